package health.portal.records;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads portal.audit.events like an audit consumer would, indexed by the correlation id each test call sends. */
public final class AuditLog {

    /** One record as it arrived: the Kafka key and the decoded envelope and event. */
    public record Entry(String key, EventEnvelope envelope, AuditEvent event, long receivedAtMillis) {}

    private static volatile AuditLog shared;

    private final Map<String, List<Entry>> byCorrelation = new ConcurrentHashMap<>();

    private AuditLog(String bootstrapServers) {
        Thread poller = new Thread(
                () -> {
                    try (KafkaConsumer<String, EventEnvelope> consumer =
                            KafkaBroker.readerFromTheStart(bootstrapServers, new EventEnvelopeDeserializer())) {
                        consumer.subscribe(List.of(Topics.AUDIT_EVENTS));
                        while (!Thread.currentThread().isInterrupted()) {
                            for (ConsumerRecord<String, EventEnvelope> r : consumer.poll(Duration.ofMillis(100))) {
                                EventEnvelope env = r.value();
                                AuditEvent event = Envelopes.payload(env, AuditEvent.class)
                                        .orElseThrow(() -> new IllegalStateException(
                                                "Not an EventEnvelope with an AuditEvent on the audit topic"));
                                byCorrelation
                                        .computeIfAbsent(env.getCorrelationId(), k -> new CopyOnWriteArrayList<>())
                                        .add(new Entry(r.key(), env, event, System.currentTimeMillis()));
                            }
                        }
                    }
                },
                "audit-log-reader");
        poller.setDaemon(true);
        poller.start();
    }

    public static AuditLog shared(String bootstrapServers) {
        if (shared == null) {
            synchronized (AuditLog.class) {
                if (shared == null) {
                    shared = new AuditLog(bootstrapServers);
                }
            }
        }
        return shared;
    }

    /** Waits until the call made with this correlation id has left {@code count} audit records, and returns them. */
    public List<Entry> awaitAll(String correlationId, int count) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() ->
                        byCorrelation.getOrDefault(correlationId, List.of()).size() >= count);
        return List.copyOf(byCorrelation.get(correlationId));
    }

    /** Waits for the one audit record of the call made with this correlation id. */
    public Entry awaitOne(String correlationId) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() ->
                        !byCorrelation.getOrDefault(correlationId, List.of()).isEmpty());
        List<Entry> entries = byCorrelation.get(correlationId);
        if (entries.size() != 1) {
            throw new AssertionError("expected one audit record for " + correlationId + " but got " + entries.size());
        }
        return entries.get(0);
    }
}
