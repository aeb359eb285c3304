package health.portal.platform.events;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads an {@link EventEnvelope} from Protobuf bytes. Wrap it in Spring Kafka's {@code ErrorHandlingDeserializer}
 * so that one unreadable record does not stop a consumer.
 */
public class EventEnvelopeDeserializer implements Deserializer<EventEnvelope> {

    @Override
    public EventEnvelope deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return EventEnvelope.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("Record on " + topic + " is not a portal.events.v1.EventEnvelope", e);
        }
    }
}
