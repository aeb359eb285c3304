package health.portal.messaging.threads;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Messages not yet in the EMR: only their sealed bytes, until filed. */
@Repository
class PendingFilings {

    record Pending(UUID messageId, byte[] sealed, int attempts) {}

    private final JdbcClient jdbc;

    PendingFilings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void hold(UUID messageId, byte[] sealed, Instant now) {
        jdbc.sql("INSERT INTO pending_filing (message_id, sealed, next_attempt_at) VALUES (?, ?, ?)")
                .params(messageId, sealed, Threads.ts(now))
                .update();
    }

    /** The one pending row of a message, locked; empty when filed already or another replica is filing it. */
    Optional<Pending> lock(UUID messageId) {
        return jdbc.sql("SELECT message_id, sealed, attempts FROM pending_filing WHERE message_id = ?"
                        + " FOR UPDATE SKIP LOCKED")
                .param(messageId)
                .query((rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getBytes(2), rs.getInt(3)))
                .optional();
    }

    /** Due rows, oldest first. Not locked here: each is then locked and filed in its own transaction. */
    List<UUID> due(Instant now, int limit) {
        return jdbc.sql("SELECT message_id FROM pending_filing WHERE next_attempt_at <= ?"
                        + " ORDER BY next_attempt_at LIMIT ?")
                .params(Threads.ts(now), limit)
                .query(UUID.class)
                .list();
    }

    void failed(UUID messageId, int attempts, String reason, Instant nextAttempt) {
        jdbc.sql("UPDATE pending_filing SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE message_id = ?")
                .params(attempts, reason, Threads.ts(nextAttempt), messageId)
                .update();
    }

    void forget(UUID messageId) {
        jdbc.sql("DELETE FROM pending_filing WHERE message_id = ?")
                .param(messageId)
                .update();
    }

    int count() {
        return jdbc.sql("SELECT count(*) FROM pending_filing")
                .query(Integer.class)
                .single();
    }

    static Duration backoff(int attempts, Duration first, Duration max) {
        long factor = 1L << Math.min(attempts, 16);
        Duration wait = first.multipliedBy(factor);
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
