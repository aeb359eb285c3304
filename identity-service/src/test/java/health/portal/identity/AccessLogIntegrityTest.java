package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.identity.accesslog.AccessLog;
import health.portal.infra.postgres.ThrowawayDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log in the shared context, as the running service keeps it: verification is never fooled by appends
 * going on, and the service's own database role cannot rewrite entries. The rewrites themselves, by the owner, are
 * {@code accesslog.AccessLogTamperTest}'s.
 */
class AccessLogIntegrityTest extends IdentityIntegrationTest {

    @Autowired
    AccessLog accessLog;

    @Autowired
    DataSource dataSource;

    @Test
    void verificationNeverFalseAlarmsWhileEntriesAreAppended() throws Exception {
        String patientId = uniquePatientId();
        AtomicBoolean appending = new AtomicBoolean(true);
        AtomicInteger appended = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            writers.add(Thread.ofPlatform().name("access-log-writer-" + w).start(() -> {
                while (appending.get()) {
                    accessLog.recordAccountEvent(patientId, "user-" + patientId, "account.test", "concurrent", null);
                    appended.incrementAndGet();
                    LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
            }));
        }
        List<AccessLog.Verification> verifications = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (verifications.size() < 30 && System.nanoTime() < deadline) {
                verifications.add(accessLog.verify());
            }
        } finally {
            appending.set(false);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
        }
        assertThat(verifications)
                .allSatisfy(v -> assertThat(v.valid()).as(v.toString()).isTrue());
        assertThat(appended.get()).isGreaterThan(100);
        assertThat(verifications.stream()
                        .map(AccessLog.Verification::headSeq)
                        .distinct()
                        .count())
                .as("entries were appended while the verifications ran")
                .isGreaterThan(10);
        assertThat(verifications)
                .as("publication lagged behind the database head at times, and that was no alarm")
                .anyMatch(v -> v.publishedHeadSeq() != null && v.publishedHeadSeq() < v.headSeq());
        Reply overHttp = get("/internal/staff/access-log/verification", privacyOfficerToken());
        assertThat(overHttp.body().path("valid").asBoolean())
                .as(overHttp.body().toString())
                .isTrue();
        assertThat(overHttp.body().path("publishedHeadSeq").asLong()).isPositive();
    }

    /**
     * The service's own role: it appends and reads, but the SQL that could rewrite the log is refused for lack of
     * privilege (SQLSTATE 42501), before any trigger is even asked.
     */
    @Test
    void theServicesDatabaseRoleCannotRewriteTheLog() throws Exception {
        ThrowawayDatabase.Login login = DB.applicationLogin();
        assertThat(new JdbcTemplate(dataSource).queryForObject("select current_user", String.class))
                .as("the service connects as the application role")
                .isEqualTo(login.username());
        enrollNewPatient("role");
        long seq = jdbc.queryForObject("select max(seq) from access_log_entry", Long.class);
        try (Connection app = DriverManager.getConnection(DB.jdbcUrl(), login.username(), login.password())) {
            try (var rs =
                    app.createStatement().executeQuery("select count(*) from access_log_entry where seq <= " + seq)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isPositive();
            }
            for (String sql : List.of(
                    "update access_log_entry set client_ip = '10.6.6.6' where seq = " + seq,
                    "delete from access_log_entry where seq = " + seq,
                    "truncate access_log_entry",
                    "alter table access_log_entry disable trigger access_log_entry_no_change",
                    "alter table access_log_entry disable trigger all",
                    "drop trigger access_log_entry_no_change on access_log_entry",
                    "alter table access_log_entry add column note text",
                    "alter table access_log_head drop constraint access_log_head_id_check",
                    "create or replace function access_log_append_only() returns trigger language plpgsql"
                            + " as $$ begin return new; end $$")) {
                assertThatThrownBy(() -> app.createStatement().execute(sql))
                        .as(sql)
                        .isInstanceOfSatisfying(
                                SQLException.class,
                                e -> assertThat(e.getSQLState())
                                        .as(e.getMessage())
                                        .isEqualTo("42501"));
            }
        }
    }
}
