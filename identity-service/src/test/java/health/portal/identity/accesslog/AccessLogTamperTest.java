package health.portal.identity.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.identity.IdentityIntegrationTest;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Someone with full rights on the identity database (its owner) rewrites the access log in the four ways that matter;
 * each is detected and the first bad entry named. A context and database of its own, since the log is rewritten here:
 * no consumer (its log gets only this test's entries) and the head published every 100 ms. After each case the log
 * is put back as it was, and verifies again.
 */
@SpringBootTest(
        properties = {
            "portal.access-log.keycloak-sync-interval=1h",
            "portal.access-log.head-publish-interval=100ms",
            "spring.kafka.listener.auto-startup=false"
        })
class AccessLogTamperTest {

    static final ThrowawayDatabase DB = PostgresServer.shared().createThrowawayDatabase("identity_tamper");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        IdentityIntegrationTest.infrastructure(registry, DB);
    }

    @Autowired
    AccessLog accessLog;

    @Autowired
    ChainMac mac;

    @Autowired
    AccessLogProperties properties;

    private final JdbcTemplate owner = IdentityIntegrationTest.owner(DB);
    private final List<Long> seqs = new ArrayList<>();

    @BeforeEach
    void tenPublishedEntriesAndABackup() {
        String patientId = "pt-tamper-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 10; i++) {
            accessLog.recordAccountEvent(patientId, "user-" + patientId, "account.test", "entry " + i, null);
        }
        seqs.addAll(owner.queryForList(
                "select seq from access_log_entry where patient_id = ? order by seq", Long.class, patientId));
        AccessLog.Verification published = awaitPublished(seqs.getLast());
        assertThat(published.valid()).as(published.toString()).isTrue();
        owner.execute("drop table if exists backup_entry; create table backup_entry as select * from access_log_entry");
        owner.execute("drop table if exists backup_head; create table backup_head as select * from access_log_head");
    }

    @AfterEach
    void putTheLogBack() {
        asOwnerWithoutTrigger("""
                delete from access_log_entry;
                insert into access_log_entry select * from backup_entry;
                update access_log_head h set last_seq = b.last_seq, last_mac = b.last_mac from backup_head b""");
        AccessLog.Verification restored = accessLog.verify();
        assertThat(restored.valid()).as("restored: " + restored).isTrue();
    }

    @Test
    void anEntryEditedByTheOwnerIsNamed() {
        long edited = seqs.get(4);
        asOwnerWithoutTrigger("update access_log_entry set client_ip = '10.6.6.6' where seq = " + edited);
        assertInvalidAt(edited, "does not match its MAC");
    }

    @Test
    void aDeletedEntryIsNamed() {
        long deleted = seqs.get(3);
        asOwnerWithoutTrigger("delete from access_log_entry where seq = " + deleted);
        assertInvalidAt(deleted, "removed");
    }

    /** Without the key the owner can only chain with a plain hash or a key of its own: the first entry it wrote shows. */
    @Test
    void aChainRecomputedByTheOwnerWithoutTheKeyIsNamedWhereTheRewriteBegins() {
        long first = seqs.get(5);
        recompute(
                first,
                e -> sha256(e.toString()),
                "update access_log_entry set detail = 'nothing to see' where seq = " + first);
        assertInvalidAt(first, "does not match its MAC");

        putTheLogBack();
        ChainMac otherKey = new ChainMac(
                new AccessLogProperties("a key of the owner's own making, 32+ bytes long", null, null),
                new MockEnvironment());
        recompute(first, otherKey::of, "update access_log_entry set outcome = 'DENIED' where seq = " + first);
        assertInvalidAt(first, "does not match its MAC");
    }

    /**
     * Even whoever holds the key cannot rewrite what was already published: the published head no longer matches,
     * and the service, appending on, does not publish a head that would hide the rewrite.
     */
    @Test
    void aChainRecomputedWithTheKeyDiffersFromThePublishedHead() {
        recompute(
                seqs.get(2), mac::of, "update access_log_entry set client_ip = '10.6.6.6' where seq = " + seqs.get(2));
        accessLog.recordAccountEvent("pt-after", "user-after", "account.test", "appended after the rewrite", null);
        sleepPastAPublication();
        assertInvalidAt(seqs.getLast(), "differs from the head published");
    }

    @Test
    void aHeadRolledBackWithItsNewestEntriesIsNamed() {
        long firstRemoved = seqs.get(7);
        long kept = seqs.get(6);
        asOwnerWithoutTrigger("delete from access_log_entry where seq >= " + firstRemoved + ";"
                + " update access_log_head set last_seq = seq, last_mac = entry_mac from access_log_entry where seq = "
                + kept);
        sleepPastAPublication();
        assertInvalidAt(firstRemoved, "rolled back");
    }

    /** The service's own role may move the head (every append does); setting it back shows all the same. */
    @Test
    void aHeadSetBackByTheServicesRoleIsNamed() {
        ThrowawayDatabase.Login login = DB.applicationLogin();
        new JdbcTemplate(new DriverManagerDataSource(DB.jdbcUrl(), login.username(), login.password()))
                .update(
                        "update access_log_head set last_seq = e.seq, last_mac = e.entry_mac from access_log_entry e"
                                + " where e.seq = ?",
                        seqs.get(6));
        assertInvalidAt(seqs.get(7), "after the head");
    }

    @Test
    void theVerifyCommandChecksTheLiveDatabaseAndNamesTheFirstBadEntry() {
        Run intact = verifyCommand(properties.macKey());
        assertThat(intact.status()).as(intact.output()).isZero();
        assertThat(intact.output()).contains("access log intact");

        long edited = seqs.get(1);
        asOwnerWithoutTrigger("update access_log_entry set action = 'account.nothing' where seq = " + edited);
        Run tampered = verifyCommand(properties.macKey());
        assertThat(tampered.status()).as(tampered.output()).isEqualTo(1);
        assertThat(tampered.output()).contains("access log TAMPERED: first bad entry " + edited + ":");

        Run withoutKey = verifyCommand("");
        assertThat(withoutKey.status()).as(withoutKey.output()).isEqualTo(2);
        assertThat(withoutKey.output()).contains("NOT CHECKED").contains("mac-key");
    }

    /** The service does not start on a role that could rewrite the log: the owner here is a superuser. */
    @Test
    void theServiceRefusesToRunAsARoleThatCouldRewriteTheLog() {
        assertThatThrownBy(() -> new DatabaseRoleCheck(owner).afterPropertiesSet())
                .hasMessageContaining("is a superuser")
                .hasMessageContaining("could rewrite the access log");
        ThrowawayDatabase.Login login = DB.applicationLogin();
        JdbcTemplate app =
                new JdbcTemplate(new DriverManagerDataSource(DB.jdbcUrl(), login.username(), login.password()));
        new DatabaseRoleCheck(app).afterPropertiesSet();

        owner.execute("grant delete on access_log_entry to " + login.username());
        try {
            assertThatThrownBy(() -> new DatabaseRoleCheck(app).afterPropertiesSet())
                    .hasMessageContaining("may delete access_log_entry");
        } finally {
            owner.execute("revoke delete on access_log_entry from " + login.username());
        }
    }

    record Run(int status, String output) {}

    private Run verifyCommand(String key) {
        ThrowawayDatabase.Login login = DB.applicationLogin();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = VerifyCommand.run(
                new String[] {
                    "verify",
                    "--spring.datasource.url=" + DB.jdbcUrl(),
                    "--spring.datasource.username=" + login.username(),
                    "--spring.datasource.password=" + login.password(),
                    "--spring.kafka.bootstrap-servers=" + KafkaBroker.shared().bootstrapServers(),
                    "--portal.access-log.head-topic=" + properties.headTopic(),
                    "--portal.access-log.mac-key=" + key
                },
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * The owner edits an entry and recomputes the chain from there with {@code macOf}, head included, as if nothing
     * had happened.
     */
    private void recompute(long from, Function<StoredEntry, String> macOf, String edit) {
        asOwnerWithoutTrigger(edit);
        String previous = owner.queryForObject(
                "select coalesce((select entry_mac from access_log_entry where seq < ? order by seq desc limit 1), ?)",
                String.class,
                from,
                ChainMac.GENESIS);
        List<StoredEntry> rest = owner.query(
                "select * from access_log_entry where seq >= ? order by seq", (rs, i) -> StoredEntry.read(rs), from);
        StringBuilder sql = new StringBuilder();
        for (StoredEntry entry : rest) {
            StoredEntry relinked = new StoredEntry(
                    entry.seq(),
                    entry.source(),
                    entry.sourceId(),
                    entry.patientId(),
                    entry.userId(),
                    entry.occurredAt(),
                    entry.recordedAt(),
                    entry.category(),
                    entry.action(),
                    entry.outcome(),
                    entry.actorId(),
                    entry.actorType(),
                    entry.clientIp(),
                    entry.device(),
                    entry.detail(),
                    previous,
                    null);
            previous = macOf.apply(relinked);
            sql.append("update access_log_entry set prev_mac = '%s', entry_mac = '%s' where seq = %d;"
                    .formatted(relinked.prevMac(), previous, entry.seq()));
        }
        sql.append("update access_log_head set last_seq = %d, last_mac = '%s';"
                .formatted(rest.getLast().seq(), previous));
        asOwnerWithoutTrigger(sql.toString());
    }

    private void asOwnerWithoutTrigger(String sql) {
        owner.execute("alter table access_log_entry disable trigger access_log_entry_no_change;" + sql
                + "; alter table access_log_entry enable trigger access_log_entry_no_change");
    }

    private void assertInvalidAt(long seq, String problem) {
        AccessLog.Verification verification = accessLog.verify();
        assertThat(verification.valid()).as(verification.toString()).isFalse();
        assertThat(verification.firstInvalidSeq()).as(verification.toString()).isEqualTo(seq);
        assertThat(verification.problem()).contains(problem);
    }

    private AccessLog.Verification awaitPublished(long seq) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        AccessLog.Verification verification;
        do {
            verification = accessLog.verify();
            if (verification.publishedHeadSeq() != null && verification.publishedHeadSeq() == seq) {
                return verification;
            }
            sleep(Duration.ofMillis(50));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("head " + seq + " not published: " + verification);
    }

    /** Gives the publisher the chance to publish the rewritten head, which it must not take. */
    private static void sleepPastAPublication() {
        sleep(Duration.ofMillis(500));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
