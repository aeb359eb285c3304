package health.portal.platform.events;

import com.google.protobuf.Message;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends envelopes straight to Kafka, for services without a database and so without an outbox (the gateway,
 * records-service). Either the caller waits for the broker's acknowledgement and refuses to go on without it
 * ({@link #sendAndWait}: records-service's fail-closed audit), or the event is sent in the background and logged as
 * lost when Kafka does not take it ({@link #sendInBackground}: the gateway, which must not hold up a request).
 */
public class DirectEventPublisher implements AutoCloseable {

    /** Header with the envelope's event id: lets consumers and operators name a record without reading it. */
    public static final String EVENT_ID_HEADER = "event_id";
    /** Header with the envelope's type (the payload's full protobuf name). */
    public static final String EVENT_TYPE_HEADER = "event_type";

    private static final Logger log = LoggerFactory.getLogger(DirectEventPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final String producer;
    private final Clock clock;
    // send() can block while it fetches metadata (max.block.ms): never on the caller's (event-loop) thread
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    public DirectEventPublisher(KafkaTemplate<String, byte[]> kafka, String producer, Clock clock) {
        this.kafka = kafka;
        this.producer = producer;
        this.clock = clock;
    }

    /** Wraps the payload in an envelope of this producer (key = subject patient id unless given otherwise). */
    public EventEnvelope envelope(Message payload, String subjectPatientId, String correlationId) {
        return Envelopes.wrap(payload, subjectPatientId, producer, correlationId, clock.instant());
    }

    /**
     * Sends and waits for the acknowledgement.
     *
     * @throws EventNotSentException when Kafka did not acknowledge within {@code timeout}
     */
    public EventEnvelope sendAndWait(String topic, String key, EventEnvelope envelope, Duration timeout) {
        try {
            kafka.send(record(topic, key, envelope)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return envelope;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventNotSentException(envelope, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new EventNotSentException(envelope, e);
        }
    }

    /** Sends without holding up the caller; a failure is logged (identifiers only) as a lost event. */
    public CompletableFuture<Void> sendInBackground(String topic, String key, EventEnvelope envelope) {
        return CompletableFuture.supplyAsync(() -> kafka.send(record(topic, key, envelope)), background)
                .thenCompose(sent -> sent)
                .handle((result, ex) -> {
                    if (ex != null) {
                        log.warn(
                                "Lost {} event {} for topic {}: {}",
                                envelope.getType(),
                                envelope.getEventId(),
                                topic,
                                ex.toString());
                    }
                    return null;
                });
    }

    /** The record as the outbox relay sends it too: envelope bytes, event id and type in headers. */
    public static ProducerRecord<String, byte[]> record(String topic, String key, EventEnvelope envelope) {
        return record(topic, key, envelope.getEventId(), envelope.getType(), envelope.toByteArray());
    }

    public static ProducerRecord<String, byte[]> record(
            String topic, String key, String eventId, String eventType, byte[] envelope) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, envelope);
        record.headers().add(EVENT_ID_HEADER, eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(EVENT_TYPE_HEADER, eventType.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @Override
    public void close() {
        background.shutdown();
    }

    /** Kafka did not take the event in time; whoever needed it sent must not go on as if it were. */
    public static class EventNotSentException extends RuntimeException {

        public EventNotSentException(EventEnvelope envelope, Throwable cause) {
            super("Event " + envelope.getEventId() + " (" + envelope.getType() + ") not sent", cause);
        }
    }
}
