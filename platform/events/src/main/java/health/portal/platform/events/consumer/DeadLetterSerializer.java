package health.portal.platform.events.consumer;

import com.google.protobuf.Message;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * Writes dead letters and replays: one producer serves every listener of a service, whatever its listeners
 * deserialize to. A record's value is its raw bytes when the listener reads {@code byte[]} (the gateway) or when it
 * could not be deserialized (the bytes as they came), and an {@link health.portal.proto.events.v1.EventEnvelope} when
 * it was read but not handled; keys are strings. Each is written back as the bytes it was read from, so a dead letter
 * is the original record.
 */
public class DeadLetterSerializer implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object data) {
        return switch (data) {
            case null -> null;
            case byte[] bytes -> bytes;
            case Message message -> message.toByteArray();
            case String text -> text.getBytes(StandardCharsets.UTF_8);
            default ->
                throw new SerializationException(
                        "Cannot write a " + data.getClass().getName() + " to " + topic
                                + ": only byte[], protobuf messages and strings are written back");
        };
    }
}
