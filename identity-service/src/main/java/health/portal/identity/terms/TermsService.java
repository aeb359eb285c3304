package health.portal.identity.terms;

import health.portal.identity.web.ClientInfo;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.TermsPublished;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Versioned terms of use and their acceptances. The current version is the one published last; each publication is
 * also a TermsPublished on the compacted topic {@code portal.terms.topic}, from which the gateway and records-service
 * learn which version patients must have accepted.
 */
@Service
public class TermsService {

    private final JdbcClient db;
    private final Clock clock;
    private final OutboxPublisher outbox;
    private final String topic;

    public TermsService(
            JdbcClient db,
            Clock clock,
            OutboxPublisher outbox,
            @Value("${portal.terms.topic:" + Topics.TERMS_CURRENT + "}") String topic) {
        this.db = db;
        this.clock = clock;
        this.outbox = outbox;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    public record TermsVersion(String version, String text, Instant publishedAt) {}

    public record TermsStatus(
            String acceptedVersion, Instant acceptedAt, String currentVersion, boolean acceptanceRequired) {}

    public TermsVersion current() {
        return currentIfAny().orElseThrow(() -> new IllegalStateException("no terms of use published"));
    }

    private Optional<TermsVersion> currentIfAny() {
        return db.sql(
                        "select version, text, published_at from terms_version order by published_at desc, version desc limit 1")
                .query((rs, i) -> new TermsVersion(
                        rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()))
                .optional();
    }

    /**
     * Publishes the current version (again) on the topic, through the outbox: a topic that was emptied or created
     * after the last publication gets it back. Duplicates are harmless, the topic keeps the newest record.
     */
    @Transactional
    public void announceCurrent() {
        currentIfAny().ifPresent(this::announce);
    }

    private void announce(TermsVersion version) {
        outbox.publish(
                topic,
                Topics.TERMS_KEY,
                TermsPublished.newBuilder()
                        .setVersion(version.version())
                        .setPublishedAt(Envelopes.timestamp(version.publishedAt()))
                        .build(),
                null);
    }

    @Transactional
    public TermsVersion publish(String version, String text) {
        boolean exists = db.sql("select count(*) from terms_version where version = ?")
                        .param(version)
                        .query(Integer.class)
                        .single()
                > 0;
        if (exists) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "terms-version-exists",
                    "Terms version exists",
                    "A terms version with this name has already been published; versions are immutable.");
        }
        // as the database keeps it, so that a republication at start-up carries the same instant
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        db.sql("insert into terms_version (version, text, published_at) values (?, ?, ?)")
                .params(version, text, now.atOffset(ZoneOffset.UTC))
                .update();
        TermsVersion published = new TermsVersion(version, text, now);
        announce(published);
        return published;
    }

    /** Records an acceptance of {@code version}, which must be the current one (in the caller's transaction). */
    @Transactional
    public Instant accept(String userId, String patientId, String version, ClientInfo client) {
        TermsVersion current = current();
        if (!current.version().equals(version)) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "terms-version-outdated",
                    "Not the current terms",
                    "Only the current terms of use (version " + current.version() + ") can be accepted.");
        }
        Instant now = clock.instant();
        db.sql("""
                        insert into terms_acceptance (user_id, patient_id, version, accepted_at, client_ip, user_agent)
                        values (?, ?, ?, ?, ?, ?)""")
                .params(userId, patientId, version, now.atOffset(ZoneOffset.UTC), client.ip(), client.userAgent())
                .update();
        return now;
    }

    public TermsStatus status(String userId) {
        String current = current().version();
        Optional<Object[]> last = db.sql("""
                        select version, accepted_at from terms_acceptance where user_id = ?
                        order by accepted_at desc, id desc limit 1""")
                .param(userId)
                .query((rs, i) ->
                        new Object[] {rs.getString(1), rs.getTimestamp(2).toInstant()})
                .optional();
        String accepted = last.map(r -> (String) r[0]).orElse(null);
        Instant acceptedAt = last.map(r -> (Instant) r[1]).orElse(null);
        return new TermsStatus(accepted, acceptedAt, current, !current.equals(accepted));
    }
}
