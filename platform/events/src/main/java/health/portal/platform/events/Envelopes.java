package health.portal.platform.events;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import health.portal.proto.events.v1.EventEnvelope;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Building and opening {@link EventEnvelope}s. */
public final class Envelopes {

    private Envelopes() {}

    public static EventEnvelope wrap(
            Message payload, String subjectPatientId, String producer, String correlationId, Instant occurredAt) {
        return EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType(payload.getDescriptorForType().getFullName())
                .setOccurredAt(timestamp(occurredAt))
                .setSubjectPatientId(subjectPatientId == null ? "" : subjectPatientId)
                .setPayload(Any.pack(payload))
                .setProducer(producer == null ? "" : producer)
                .setCorrelationId(correlationId == null ? "" : correlationId)
                .build();
    }

    /** The payload if it is of the given type, empty otherwise (consumers skip types they do not handle). */
    public static <T extends Message> Optional<T> payload(EventEnvelope envelope, Class<T> type) {
        if (!envelope.hasPayload() || !envelope.getPayload().is(type)) {
            return Optional.empty();
        }
        try {
            return Optional.of(envelope.getPayload().unpack(type));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("Event " + envelope.getEventId() + " has an unreadable payload", e);
        }
    }

    public static Instant occurredAt(EventEnvelope envelope) {
        Timestamp t = envelope.getOccurredAt();
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
