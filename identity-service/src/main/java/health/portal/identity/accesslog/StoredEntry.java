package health.portal.identity.accesslog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** An access-log row as stored: everything its MAC covers, the previous entry's MAC and its own. */
record StoredEntry(
        long seq,
        String source,
        String sourceId,
        String patientId,
        String userId,
        Instant occurredAt,
        Instant recordedAt,
        String category,
        String action,
        String outcome,
        String actorId,
        String actorType,
        String clientIp,
        String device,
        String detail,
        String prevMac,
        String entryMac) {

    static StoredEntry read(ResultSet rs) throws SQLException {
        return new StoredEntry(
                rs.getLong("seq"),
                rs.getString("source"),
                rs.getString("source_id"),
                rs.getString("patient_id"),
                rs.getString("user_id"),
                rs.getTimestamp("occurred_at").toInstant(),
                rs.getTimestamp("recorded_at").toInstant(),
                rs.getString("category"),
                rs.getString("action"),
                rs.getString("outcome"),
                rs.getString("actor_id"),
                rs.getString("actor_type"),
                rs.getString("client_ip"),
                rs.getString("device"),
                rs.getString("detail"),
                rs.getString("prev_mac"),
                rs.getString("entry_mac"));
    }
}
