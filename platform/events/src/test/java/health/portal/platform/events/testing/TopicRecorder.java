package health.portal.platform.events.testing;

import com.google.protobuf.Message;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything published on some topics of the test broker, read from the start by a background consumer: the
 * envelopes by event id (a redelivered record is the same event, counted once) and the raw records (to scan for what
 * must never be in them). For service tests that look for the events a call raised.
 */
public final class TopicRecorder {

    private final Map<String, EventEnvelope> events = new ConcurrentHashMap<>();
    private final List<byte[]> raw = new CopyOnWriteArrayList<>();
    private final List<String> topics;
    private Thread reader;

    private TopicRecorder(List<String> topics) {
        this.topics = topics;
    }

    /** A recorder of these topics on the shared broker, not reading yet. */
    public static TopicRecorder of(String... topics) {
        return new TopicRecorder(List.of(topics));
    }

    /**
     * Starts reading, once; the reader lives as long as the test JVM. Call it when the service under test is up:
     * a consumer that subscribed before a topic existed sees it only at its next metadata refresh, minutes later.
     */
    public synchronized void startReading() {
        if (reader == null) {
            reader = Thread.ofPlatform().daemon().name("test-topic-recorder").start(this::read);
        }
    }

    /** The events so far whose payload mentions this id, oldest first. */
    public List<EventEnvelope> about(String id) {
        return events.values().stream()
                .filter(e -> e.getPayload().getValue().toStringUtf8().contains(id))
                .sorted(Comparator.comparing(Envelopes::occurredAt))
                .toList();
    }

    /** The payloads of this type among {@link #about}. */
    public <T extends Message> List<T> payloads(String id, Class<T> type) {
        return about(id).stream()
                .flatMap(e -> Envelopes.payload(e, type).stream())
                .toList();
    }

    /** Every record's bytes as it was on the topic. */
    public List<byte[]> raw() {
        return raw;
    }

    private void read() {
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaBroker.shared().readerFromTheStart(new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            EventEnvelopeDeserializer envelopes = new EventEnvelopeDeserializer();
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    raw.add(record.value());
                    EventEnvelope envelope = envelopes.deserialize(record.topic(), record.value());
                    events.put(envelope.getEventId(), envelope);
                }
            }
        }
    }
}
