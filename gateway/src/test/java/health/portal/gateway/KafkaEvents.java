package health.portal.gateway;

import com.google.protobuf.Message;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Reads and writes EventEnvelopes on the test broker. */
final class KafkaEvents {

    private KafkaEvents() {}

    /** Waits for an envelope on the topic whose payload of the given type matches. */
    static <T extends Message> Optional<T> await(
            String bootstrapServers, String topic, Class<T> type, Predicate<T> matching, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        try (KafkaConsumer<String, EventEnvelope> consumer =
                KafkaBroker.readerFromTheStart(bootstrapServers, new EventEnvelopeDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (Instant.now().isBefore(end)) {
                for (ConsumerRecord<String, EventEnvelope> record : consumer.poll(Duration.ofMillis(500))) {
                    Optional<T> payload =
                            Envelopes.payload(record.value(), type).filter(matching);
                    if (payload.isPresent()) {
                        return payload;
                    }
                }
            }
        }
        return Optional.empty();
    }

    static void publish(String bootstrapServers, String topic, String key, Message payload) {
        EventEnvelope envelope = Envelopes.wrap(payload, key, "identity-service", null, Instant.now());
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.writer(bootstrapServers)) {
            producer.send(DirectEventPublisher.record(topic, key, envelope)).get();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
