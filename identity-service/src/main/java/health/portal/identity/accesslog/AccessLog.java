package health.portal.identity.accesslog;

import health.portal.identity.web.ClientInfo;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The patients' access log (ONC 170.315(d)(2)): append-only (a database trigger refuses updates and deletes) and
 * tamper-evident: each entry carries the SHA-256 of its content chained with the previous entry's hash, and the head
 * row holds the last hash, so any edited, removed or reordered entry breaks {@link #verify()}.
 */
@Component
public class AccessLog {

    static final String GENESIS = "0".repeat(64);

    private final JdbcClient db;
    private final Clock clock;

    public AccessLog(JdbcClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** What happened; {@code sourceId} makes the append idempotent (the same source id is recorded once). */
    public record Entry(
            String source,
            String sourceId,
            String patientId,
            String userId,
            Instant occurredAt,
            String category,
            String action,
            String outcome,
            String actorId,
            String actorType,
            String clientIp,
            String device,
            String detail) {}

    /** An entry as it is shown. */
    public record LogEntry(
            long seq,
            Instant occurredAt,
            Instant recordedAt,
            String category,
            String action,
            String outcome,
            String actorType,
            String actorId,
            String clientIp,
            String device,
            String detail,
            String source) {}

    public record Verification(boolean valid, long entriesChecked, Long firstInvalidSeq, String problem) {}

    /** Appends an entry (joining the caller's transaction); false if its source id was recorded before. */
    @Transactional
    public boolean append(Entry entry) {
        // the head row lock serializes appends across threads and instances, so the chain has no forks
        Head head = db.sql("select last_seq, last_hash from access_log_head where id = 1 for update")
                .query((rs, i) -> new Head(rs.getLong(1), rs.getString(2)))
                .single();
        boolean seen = db.sql("select count(*) from access_log_entry where source_id = ?")
                        .param(entry.sourceId())
                        .query(Integer.class)
                        .single()
                > 0;
        if (seen) {
            return false;
        }
        Instant occurred = entry.occurredAt().truncatedTo(ChronoUnit.MICROS);
        Instant recorded = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Stored stored = new Stored(
                0,
                entry.source(),
                entry.sourceId(),
                entry.patientId(),
                entry.userId(),
                occurred,
                recorded,
                entry.category(),
                entry.action(),
                entry.outcome(),
                cut(entry.actorId(), 64),
                cut(entry.actorType(), 16),
                cut(entry.clientIp(), 64),
                cut(entry.device(), 512),
                cut(entry.detail(), 512),
                head.lastHash(),
                null);
        String hash = hash(stored);
        long seq = db.sql("""
                        insert into access_log_entry (source, source_id, patient_id, user_id, occurred_at, recorded_at,
                            category, action, outcome, actor_id, actor_type, client_ip, device, detail, prev_hash, entry_hash)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning seq""")
                .params(
                        stored.source(),
                        stored.sourceId(),
                        stored.patientId(),
                        stored.userId(),
                        occurred.atOffset(ZoneOffset.UTC),
                        recorded.atOffset(ZoneOffset.UTC),
                        stored.category(),
                        stored.action(),
                        stored.outcome(),
                        stored.actorId(),
                        stored.actorType(),
                        stored.clientIp(),
                        stored.device(),
                        stored.detail(),
                        stored.prevHash(),
                        hash)
                .query(Long.class)
                .single();
        db.sql("update access_log_head set last_seq = ?, last_hash = ? where id = 1")
                .params(seq, hash)
                .update();
        return true;
    }

    /** Records something done through the portal itself (enrollment, terms acceptance, termination). */
    public void recordAccountEvent(String patientId, String userId, String action, String detail, ClientInfo client) {
        append(new Entry(
                "PORTAL",
                "portal:" + UUID.randomUUID(),
                patientId,
                userId,
                clock.instant(),
                "ACCOUNT",
                action,
                "SUCCESS",
                userId,
                "PATIENT",
                client == null ? null : client.ip(),
                client == null ? null : client.userAgent(),
                detail));
    }

    /** A patient's entries, newest first. */
    public List<LogEntry> find(String patientId, Instant from, Instant to, int limit, int offset) {
        return db.sql("""
                        select * from access_log_entry where patient_id = ? and occurred_at >= ? and occurred_at < ?
                        order by occurred_at desc, seq desc limit ? offset ?""")
                .params(patientId, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), limit, offset)
                .query((rs, i) -> {
                    Stored s = stored(rs);
                    return new LogEntry(
                            s.seq(),
                            s.occurredAt(),
                            s.recordedAt(),
                            s.category(),
                            s.action(),
                            s.outcome(),
                            s.actorType(),
                            s.actorId(),
                            s.clientIp(),
                            s.device(),
                            s.detail(),
                            s.source());
                })
                .list();
    }

    /** Recomputes the whole chain; reports the first entry that does not match. */
    @Transactional(readOnly = true)
    public Verification verify() {
        Head head = db.sql("select last_seq, last_hash from access_log_head where id = 1")
                .query((rs, i) -> new Head(rs.getLong(1), rs.getString(2)))
                .single();
        String previous = GENESIS;
        long lastSeq = 0;
        long checked = 0;
        long after = 0;
        while (true) {
            List<Stored> page = db.sql("select * from access_log_entry where seq > ? order by seq limit 1000")
                    .param(after)
                    .query((rs, i) -> stored(rs))
                    .list();
            if (page.isEmpty()) {
                break;
            }
            for (Stored entry : page) {
                checked++;
                if (!entry.prevHash().equals(previous)) {
                    return new Verification(
                            false,
                            checked,
                            entry.seq(),
                            "entry does not follow the previous entry (an entry was removed or reordered)");
                }
                if (!hash(entry).equals(entry.entryHash())) {
                    return new Verification(false, checked, entry.seq(), "entry content does not match its hash");
                }
                previous = entry.entryHash();
                lastSeq = entry.seq();
            }
            after = page.getLast().seq();
        }
        if (head.lastSeq() != lastSeq || !head.lastHash().equals(previous)) {
            return new Verification(false, checked, lastSeq + 1, "the newest entries were removed");
        }
        return new Verification(true, checked, null, null);
    }

    static String hash(Stored e) {
        StringBuilder canonical = new StringBuilder(e.prevHash());
        for (String field : new String[] {
            e.source(),
            e.sourceId(),
            e.patientId(),
            e.userId(),
            e.occurredAt().toString(),
            e.recordedAt().toString(),
            e.category(),
            e.action(),
            e.outcome(),
            e.actorId(),
            e.actorType(),
            e.clientIp(),
            e.device(),
            e.detail()
        }) {
            // length-prefixed so that moving text between fields changes the hash; null differs from ""
            canonical.append('|').append(field == null ? "-1:" : field.length() + ":" + field);
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(
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
                rs.getString("prev_hash"),
                rs.getString("entry_hash"));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    public Optional<Long> lastSeq() {
        return db.sql("select max(seq) from access_log_entry").query(Long.class).optional();
    }

    record Head(long lastSeq, String lastHash) {}

    record Stored(
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
            String prevHash,
            String entryHash) {}
}
