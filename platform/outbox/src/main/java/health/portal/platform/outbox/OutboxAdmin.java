package health.portal.platform.outbox;

import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.UUID;

/**
 * The operators' side of the outbox: how many rows are parked, how old the oldest pending row is, and the way back for
 * parked rows. A requeued row gets its full {@code max-attempts} again and, keeping its id, is again the first row of
 * its key: the key's later rows that are still pending wait for it, those sent while it was parked are out already.
 */
public class OutboxAdmin {

    private final JdbcTemplate jdbc;

    public OutboxAdmin(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Rows parked after Kafka refused them {@code max-attempts} times. */
    public long parkedCount() {
        Long parked = jdbc.queryForObject("select count(*) from outbox_event where parked_at is not null", Long.class);
        return parked == null ? 0 : parked;
    }

    /** How long the oldest row that is neither sent nor parked has been waiting; zero when there is none. */
    public Duration oldestPendingAge() {
        Double seconds = jdbc.query("""
                        select extract(epoch from clock_timestamp() - created_at) from outbox_event
                        where sent_at is null and parked_at is null order by id limit 1""", rs -> rs.next() ? rs.getDouble(1) : null);
        return seconds == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, (long) (seconds * 1e9)));
    }

    /**
     * Puts every parked row back in the queue.
     *
     * @return the number of rows requeued
     */
    public int requeueParked() {
        return jdbc.update("update outbox_event set " + REQUEUE + " where parked_at is not null");
    }

    /**
     * Puts one parked row back in the queue.
     *
     * @return false when there is no parked row with this event id
     */
    public boolean requeueParked(String eventId) {
        return jdbc.update(
                        "update outbox_event set " + REQUEUE + " where parked_at is not null and event_id = ?",
                        UUID.fromString(eventId))
                == 1;
    }

    // last_error stays: it tells why the row had been parked until the row is sent
    private static final String REQUEUE = "parked_at = null, attempts = 0, next_attempt_at = now()";
}
