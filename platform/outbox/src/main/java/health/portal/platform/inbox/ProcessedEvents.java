package health.portal.platform.inbox;

import health.portal.proto.events.v1.EventEnvelope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Idempotent inbox: lets a consumer handle each event id once. The marker row is written in the same transaction as
 * the handler's own writes, so a handler that fails leaves no marker and the redelivered event is handled again,
 * while a handled event that Kafka delivers again (at-least-once) is skipped. Concurrent duplicates are serialized by
 * the primary key: the second insert waits for the first transaction and then finds the row.
 */
public class ProcessedEvents {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public ProcessedEvents(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * Marks the event as processed by {@code consumer} in the current transaction.
     *
     * @return true the first time (go on and handle it), false for a duplicate
     */
    public boolean markProcessed(String consumer, String eventId) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException("ProcessedEvents.markProcessed must run inside a transaction");
        }
        if (eventId == null || eventId.isBlank()) {
            throw new IllegalArgumentException("event without an event id");
        }
        int inserted = jdbc.update("""
                insert into inbox_processed_event (event_id, consumer) values (?, ?)
                on conflict (event_id, consumer) do nothing""", eventId, consumer);
        return inserted == 1;
    }

    /**
     * Runs {@code handler} once per event id and consumer, in a transaction (joining the caller's if there is one).
     *
     * @return true if the handler ran, false if the event had been processed before
     */
    public boolean processOnce(String consumer, EventEnvelope envelope, Runnable handler) {
        Boolean ran = tx.execute(status -> {
            if (!markProcessed(consumer, envelope.getEventId())) {
                return false;
            }
            handler.run();
            return true;
        });
        return Boolean.TRUE.equals(ran);
    }

    public boolean isProcessed(String consumer, String eventId) {
        Integer n = jdbc.queryForObject(
                "select count(*) from inbox_processed_event where event_id = ? and consumer = ?",
                Integer.class,
                eventId,
                consumer);
        return n != null && n > 0;
    }
}
