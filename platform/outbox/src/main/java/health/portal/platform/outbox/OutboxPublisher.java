package health.portal.platform.outbox;

import com.google.protobuf.Message;
import health.portal.platform.events.Envelopes;
import health.portal.proto.events.v1.EventEnvelope;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Clock;
import java.util.UUID;

/**
 * Records an event in the {@code outbox_event} table inside the caller's transaction. The event reaches Kafka only
 * if that transaction commits ({@link OutboxRelay} sends it afterwards), so state and events never disagree.
 */
public class OutboxPublisher {

    private final JdbcTemplate jdbc;
    private final String producer;
    private final Clock clock;

    public OutboxPublisher(JdbcTemplate jdbc, String producer, Clock clock) {
        this.jdbc = jdbc;
        this.producer = producer;
        this.clock = clock;
    }

    /**
     * @param topic            Kafka topic, see {@link health.portal.platform.events.Topics}
     * @param key              record key, the aggregate (a patient id): events with the same key, whatever their
     *                         topics, are delivered in publication order, one that Kafka refuses and the relay parks
     *                         excepted (see {@link OutboxRelay})
     * @param payload          the fact (a message of events.proto)
     * @param subjectPatientId EMR patient id the fact is about, or null
     * @return the envelope as it will be sent
     * @throws IllegalTransactionStateException when called outside a transaction
     */
    public EventEnvelope publish(String topic, String key, Message payload, String subjectPatientId) {
        // Outside a transaction the row would be committed alone, which defeats the outbox; refuse instead.
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException("OutboxPublisher.publish must run inside a transaction");
        }
        EventEnvelope envelope =
                Envelopes.wrap(payload, subjectPatientId, producer, MDC.get("traceId"), clock.instant());
        jdbc.update(
                "insert into outbox_event (event_id, topic, record_key, event_type, envelope) values (?, ?, ?, ?, ?)",
                UUID.fromString(envelope.getEventId()),
                topic,
                key,
                envelope.getType(),
                envelope.toByteArray());
        return envelope;
    }
}
