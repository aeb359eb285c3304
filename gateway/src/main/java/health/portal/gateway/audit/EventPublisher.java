package health.portal.gateway.audit;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import health.portal.proto.events.v1.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Instant;
import java.util.UUID;

/**
 * Sends EventEnvelopes to Kafka off the request path. The gateway has no database and hence no outbox: when
 * Kafka is unreachable the event is logged as lost (identifiers only) and the request is not held up.
 */
@Component
class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    static final String PRODUCER = "gateway";

    private final KafkaTemplate<String, byte[]> kafka;

    EventPublisher(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    void publish(String topic, String subjectPatientId, Message payload, String correlationId) {
        Instant now = Instant.now();
        EventEnvelope envelope = EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType(payload.getDescriptorForType().getFullName())
                .setOccurredAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setSubjectPatientId(subjectPatientId == null ? "" : subjectPatientId)
                .setPayload(Any.pack(payload))
                .setProducer(PRODUCER)
                .setCorrelationId(correlationId == null ? "" : correlationId)
                .build();
        Mono.fromFuture(() -> kafka.send(topic, envelope.getSubjectPatientId(), envelope.toByteArray()))
                .subscribeOn(Schedulers.boundedElastic()) // send() may block while fetching metadata
                .subscribe(
                        result -> {},
                        ex -> log.warn(
                                "Lost {} event {} for topic {}: {}",
                                envelope.getType(),
                                envelope.getEventId(),
                                topic,
                                ex.toString()));
    }
}
