package health.portal.identity.accesslog;

import health.portal.identity.web.ClientInfo;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The patients' access log (ONC 170.315(d)(2)): append-only and tamper-evident. The service's database role can only
 * insert and read entries (a trigger refuses updates and deletes even to the owner, unless it disables it). Each
 * entry carries a keyed MAC over its content chained with the previous entry's MAC ({@link ChainMac}); the head row
 * holds the newest one, and {@link HeadPublisher} publishes it outside the database too, so an edited, removed,
 * reordered, recomputed or rolled-back chain fails {@link #verify()}.
 */
@Component
public class AccessLog {

    private final JdbcClient db;
    private final Clock clock;
    private final ChainMac mac;
    private final ChainVerification verification;

    AccessLog(JdbcClient db, Clock clock, ChainMac mac, ChainVerification verification) {
        this.db = db;
        this.clock = clock;
        this.mac = mac;
        this.verification = verification;
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

    /**
     * The outcome of a verification: {@code firstInvalidSeq} names the first bad entry (for removed newest entries, the
     * first sequence number after the last one kept); {@code headSeq} is the database head checked up to and
     * {@code publishedHeadSeq} the published head compared with it (null when none was published yet).
     */
    public record Verification(
            boolean valid,
            long entriesChecked,
            Long firstInvalidSeq,
            String problem,
            long headSeq,
            Long publishedHeadSeq) {}

    /** Appends an entry (joining the caller's transaction); false if its source id was recorded before. */
    @Transactional
    public boolean append(Entry entry) {
        // the head row lock serializes appends across threads and instances, so the chain has no forks and the
        // sequence numbers drawn below follow the chain's order
        String previous = db.sql("select last_mac from access_log_head where id = 1 for update")
                .query(String.class)
                .single();
        boolean seen = db.sql("select count(*) from access_log_entry where source_id = ?")
                        .param(entry.sourceId())
                        .query(Integer.class)
                        .single()
                > 0;
        if (seen) {
            return false;
        }
        // the sequence number is part of the MAC, so it is drawn first
        long seq = db.sql("select nextval(pg_get_serial_sequence('access_log_entry', 'seq'))")
                .query(Long.class)
                .single();
        StoredEntry stored = new StoredEntry(
                seq,
                entry.source(),
                entry.sourceId(),
                entry.patientId(),
                entry.userId(),
                entry.occurredAt().truncatedTo(ChronoUnit.MICROS),
                clock.instant().truncatedTo(ChronoUnit.MICROS),
                entry.category(),
                entry.action(),
                entry.outcome(),
                cut(entry.actorId(), 64),
                cut(entry.actorType(), 16),
                cut(entry.clientIp(), 64),
                cut(entry.device(), 512),
                cut(entry.detail(), 512),
                previous,
                null);
        String entryMac = mac.of(stored);
        db.sql("""
                        insert into access_log_entry (seq, source, source_id, patient_id, user_id, occurred_at,
                            recorded_at, category, action, outcome, actor_id, actor_type, client_ip, device, detail,
                            prev_mac, entry_mac)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        seq,
                        stored.source(),
                        stored.sourceId(),
                        stored.patientId(),
                        stored.userId(),
                        stored.occurredAt().atOffset(ZoneOffset.UTC),
                        stored.recordedAt().atOffset(ZoneOffset.UTC),
                        stored.category(),
                        stored.action(),
                        stored.outcome(),
                        stored.actorId(),
                        stored.actorType(),
                        stored.clientIp(),
                        stored.device(),
                        stored.detail(),
                        stored.prevMac(),
                        entryMac)
                .update();
        db.sql("update access_log_head set last_seq = ?, last_mac = ? where id = 1")
                .params(seq, entryMac)
                .update();
        return true;
    }

    /**
     * Records something done through the portal itself (enrollment, terms acceptance, termination). Transactional of
     * its own: calling {@link #append} from here bypasses its proxy, and without a transaction the head's lock would
     * end with its statement and two appends could chain to the same entry.
     */
    @Transactional
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
                    StoredEntry s = StoredEntry.read(rs);
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

    /**
     * Recomputes the chain up to its head in one snapshot and compares the head with the published one; reports the
     * first entry that does not match.
     *
     * @throws health.portal.platform.problem.DependencyUnavailableException when the published head cannot be read
     */
    public Verification verify() {
        return verification.verify();
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    public Optional<Long> lastSeq() {
        return db.sql("select max(seq) from access_log_entry").query(Long.class).optional();
    }
}
