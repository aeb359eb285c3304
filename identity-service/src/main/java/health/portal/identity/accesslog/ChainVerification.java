package health.portal.identity.accesslog;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Optional;

/**
 * Recomputes the access log's chain and compares its head with the published one.
 *
 * <p>The head and the entries up to it are read in one REPEATABLE READ snapshot, so appends committed while the check
 * runs are simply not part of it: a head and its entries always agree within a snapshot, whatever is written
 * meanwhile. The published head is read before that snapshot begins: whatever was published by then had been
 * committed before, so it is never ahead of the snapshot unless the log was rolled back. It may be behind (publication
 * lags the appends): then the entry it names must carry the MAC it names.
 */
@Component
class ChainVerification {

    private static final int PAGE = 1000;

    private final JdbcClient db;
    private final ChainMac mac;
    private final PublishedHead published;
    private final TransactionTemplate snapshot;

    ChainVerification(JdbcClient db, ChainMac mac, PublishedHead published, PlatformTransactionManager transactions) {
        this.db = db;
        this.mac = mac;
        this.published = published;
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    AccessLog.Verification verify() {
        Optional<PublishedHead.Head> publishedHead = published.latest();
        return snapshot.execute(status -> check(publishedHead.orElse(null)));
    }

    private AccessLog.Verification check(PublishedHead.Head publishedHead) {
        PublishedHead.Head head = db.sql("select last_seq, last_mac from access_log_head where id = 1")
                .query((rs, i) -> new PublishedHead.Head(rs.getLong(1), rs.getString(2)))
                .single();
        Outcome outcome = new Outcome(head.seq(), publishedHead == null ? null : publishedHead.seq());
        String previous = ChainMac.GENESIS;
        long lastSeq = 0;
        boolean publishedSeen = false;
        while (true) {
            List<StoredEntry> page = db.sql(
                            "select * from access_log_entry where seq > ? and seq <= ? order by seq limit " + PAGE)
                    .params(lastSeq, head.seq())
                    .query((rs, i) -> StoredEntry.read(rs))
                    .list();
            if (page.isEmpty()) {
                break;
            }
            for (StoredEntry entry : page) {
                outcome.checked++;
                if (!entry.prevMac().equals(previous)) {
                    // numbers are missing now and then (an append rolled back); missing where the chain breaks, they
                    // were entries
                    return entry.seq() > lastSeq + 1
                            ? outcome.invalid(
                                    lastSeq + 1,
                                    "entries after " + lastSeq + " and before " + entry.seq() + " were removed")
                            : outcome.invalid(
                                    entry.seq(), "entry does not follow the previous entry (reordered or relinked)");
                }
                if (!mac.matches(entry)) {
                    return outcome.invalid(
                            entry.seq(), "entry does not match its MAC (edited, or its MAC computed without the key)");
                }
                if (publishedHead != null && entry.seq() == publishedHead.seq()) {
                    if (!entry.entryMac().equals(publishedHead.mac())) {
                        return outcome.invalid(
                                entry.seq(), "entry differs from the head published for it (the chain was rewritten)");
                    }
                    publishedSeen = true;
                }
                previous = entry.entryMac();
                lastSeq = entry.seq();
            }
        }
        if (lastSeq < head.seq()) {
            return outcome.invalid(lastSeq + 1, "the newest entries were removed (the head names a later entry)");
        }
        if (!previous.equals(head.mac())) {
            return outcome.invalid(head.seq(), "the head does not match the newest entry");
        }
        Optional<Long> afterHead = db.sql("select min(seq) from access_log_entry where seq > ?")
                .param(head.seq())
                .query(Long.class)
                .optional();
        if (afterHead.isPresent()) {
            return outcome.invalid(afterHead.get(), "entry after the head (the head was set back)");
        }
        if (publishedHead != null && publishedHead.seq() > head.seq()) {
            return outcome.invalid(
                    head.seq() + 1,
                    "entries up to " + publishedHead.seq() + " were published but are gone (the log was rolled back)");
        }
        if (publishedHead != null && publishedHead.seq() > 0 && !publishedSeen) {
            return outcome.invalid(publishedHead.seq(), "the entry published as head is missing");
        }
        return new AccessLog.Verification(true, outcome.checked, null, null, outcome.headSeq, outcome.publishedSeq);
    }

    private static final class Outcome {
        final long headSeq;
        final Long publishedSeq;
        long checked;

        Outcome(long headSeq, Long publishedSeq) {
            this.headSeq = headSeq;
            this.publishedSeq = publishedSeq;
        }

        AccessLog.Verification invalid(long seq, String problem) {
            return new AccessLog.Verification(false, checked, seq, problem, headSeq, publishedSeq);
        }
    }
}
