package health.portal.records;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads portal.audit.events like an audit consumer would, indexed by the correlation id each test call sends. */
public final class AuditLog {

    /** One record as it arrived: the Kafka key and the decoded envelope and event. */
    public record Entry(String key, EventEnvelope envelope, AuditEvent event, long receivedAtMillis) {}

    private static volatile AuditLog shared;

    private final Map<String, List<Entry>> byCorrelation = new ConcurrentHashMap<>();

    private AuditLog(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "records-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Thread poller = new Thread(
                () -> {
                    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
                        consumer.subscribe(List.of("portal.audit.events"));
                        while (!Thread.currentThread().isInterrupted()) {
                            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                                try {
                                    EventEnvelope env = EventEnvelope.parseFrom(r.value());
                                    AuditEvent event = env.getPayload().unpack(AuditEvent.class);
                                    byCorrelation
                                            .computeIfAbsent(env.getCorrelationId(), k -> new CopyOnWriteArrayList<>())
                                            .add(new Entry(r.key(), env, event, System.currentTimeMillis()));
                                } catch (InvalidProtocolBufferException e) {
                                    throw new IllegalStateException(
                                            "Not an EventEnvelope with an AuditEvent on the audit topic", e);
                                }
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
