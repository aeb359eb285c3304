package health.portal.platform.events.consumer;

import health.portal.platform.events.DirectEventPublisher;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;

/** What may be logged about a record: where it is and which event it carries, never what the event says. */
final class RecordIds {

    private RecordIds() {}

    static String describe(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset() + " (event " + eventId(record)
                + ", type " + header(record, DirectEventPublisher.EVENT_TYPE_HEADER, "unknown") + ")";
    }

    static String eventId(ConsumerRecord<?, ?> record) {
        String fromValue = record.value() instanceof EventEnvelope envelope ? envelope.getEventId() : "unknown";
        return header(record, DirectEventPublisher.EVENT_ID_HEADER, fromValue);
    }

    static String header(ConsumerRecord<?, ?> record, String name, String otherwise) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null
                ? otherwise
                : new String(header.value(), StandardCharsets.UTF_8);
    }
}
