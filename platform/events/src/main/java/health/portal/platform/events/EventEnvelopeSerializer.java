package health.portal.platform.events;

import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.common.serialization.Serializer;

/** Writes an {@link EventEnvelope} as its Protobuf bytes. */
public class EventEnvelopeSerializer implements Serializer<EventEnvelope> {

    @Override
    public byte[] serialize(String topic, EventEnvelope data) {
        return data == null ? null : data.toByteArray();
    }
}
