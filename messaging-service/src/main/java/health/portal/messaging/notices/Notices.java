package health.portal.messaging.notices;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** The notice table. */
@Repository
class Notices {

    private final JdbcClient db;

    Notices(JdbcClient db) {
        this.db = db;
    }

    /** @return false when a notice for this event exists already */
    boolean add(Notice notice, Instant now) {
        return db.sql("""
                        insert into notice (id, event_id, patient_id, kind, status, attempts, next_attempt_at,
                            created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (event_id) do nothing""")
                        .params(
                                notice.id(),
                                notice.eventId(),
                                notice.patientId(),
                                notice.kind().name(),
                                notice.status().name(),
                                notice.attempts(),
                                notice.nextAttemptAt().atOffset(ZoneOffset.UTC),
                                now.atOffset(ZoneOffset.UTC))
                        .update()
                == 1;
    }

    /**
     * The next due notice, locked for the caller's transaction; other senders (replicas) skip it and take the next.
     */
    Optional<Notice> lockNextDue(Instant now) {
        return db.sql("""
                        select id, event_id, patient_id, kind, status, attempts, next_attempt_at, done_at, last_error
                        from notice where status = 'PENDING' and next_attempt_at <= ?
                        order by next_attempt_at limit 1 for update skip locked""")
                .param(now.atOffset(ZoneOffset.UTC))
                .query(Notices::notice)
                .optional();
    }

    void update(Notice notice) {
        db.sql("""
                        update notice set status = ?, attempts = ?, next_attempt_at = ?, done_at = ?, last_error = ?
                        where id = ?""")
                .params(
                        notice.status().name(),
                        notice.attempts(),
                        notice.nextAttemptAt().atOffset(ZoneOffset.UTC),
                        notice.doneAt() == null ? null : notice.doneAt().atOffset(ZoneOffset.UTC),
                        notice.lastError(),
                        notice.id())
                .update();
    }

    private static Notice notice(ResultSet rs, int row) throws SQLException {
        Timestamp done = rs.getTimestamp("done_at");
        return new Notice(
                rs.getObject("id", java.util.UUID.class),
                rs.getString("event_id"),
                rs.getString("patient_id"),
                NoticeKind.valueOf(rs.getString("kind")),
                NoticeStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getTimestamp("next_attempt_at").toInstant(),
                done == null ? null : done.toInstant(),
                rs.getString("last_error"));
    }
}
