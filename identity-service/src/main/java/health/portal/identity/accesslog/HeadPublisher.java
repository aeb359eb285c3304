package health.portal.identity.accesslog;

import health.portal.platform.events.DirectEventPublisher;
import health.portal.proto.events.v1.AccessLogHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishes the access log's head outside the database, so that a chain rewritten together with its head row, or
 * rolled back to an earlier head, no longer matches what was published ({@link ChainVerification}).
 *
 * <p>What is published is the head as committed: it is read from the database every {@code head-publish-interval}
 * (1 s by default) and sent when it has moved. A head that a transaction rolled back is therefore never published,
 * and publication is never ahead of the database except after tampering. The window: entries appended within the
 * last interval, plus Kafka's acknowledgement (longer while Kafka is away: sending is retried at each interval), can
 * be removed unnoticed before they are published.
 *
 * <p>A head is published only if it extends the one published last: were the chain rewritten, publishing its new head
 * would hide the rewrite from every later verification.
 */
@Component
class HeadPublisher {

    private static final Logger log = LoggerFactory.getLogger(HeadPublisher.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final JdbcClient db;
    private final DirectEventPublisher events;
    private final PublishedHead published;
    /** The head this instance knows to be published; read from Kafka first, null until then. */
    private PublishedHead.Head last;

    private long refusedAt = -1;

    HeadPublisher(JdbcClient db, DirectEventPublisher events, PublishedHead published) {
        this.db = db;
        this.events = events;
        this.published = published;
    }

    @Scheduled(fixedDelayString = "${portal.access-log.head-publish-interval:1s}")
    void publishIfMoved() {
        try {
            publishOnce();
        } catch (RuntimeException e) {
            log.warn("The access log's head was not published, will retry: {}", e.toString());
        }
    }

    /** @return whether a new head was published */
    synchronized boolean publishOnce() {
        if (last == null) {
            last = published.latest().orElse(new PublishedHead.Head(0, ChainMac.GENESIS));
        }
        PublishedHead.Head head = db.sql("select last_seq, last_mac from access_log_head where id = 1")
                .query((rs, i) -> new PublishedHead.Head(rs.getLong(1), rs.getString(2)))
                .single();
        if (head.seq() <= last.seq()) {
            return false; // nothing new, or the head was set back: verification reports that
        }
        if (last.seq() > 0) {
            Optional<String> macNow = db.sql("select entry_mac from access_log_entry where seq = ?")
                    .param(last.seq())
                    .query(String.class)
                    .optional();
            if (!macNow.equals(Optional.of(last.mac()))) {
                if (refusedAt != last.seq()) {
                    refusedAt = last.seq();
                    log.error(
                            "Access log entry {} is no longer the one published: the chain was rewritten. Its head is"
                                    + " not published again; run the verify command.",
                            last.seq());
                }
                return false;
            }
        }
        events.sendAndWait(
                published.topic(),
                PublishedHead.KEY,
                events.envelope(
                        AccessLogHead.newBuilder()
                                .setSeq(head.seq())
                                .setMac(Objects.requireNonNull(head.mac()))
                                .build(),
                        null,
                        null),
                SEND_TIMEOUT);
        last = head;
        return true;
    }
}
