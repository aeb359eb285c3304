package health.portal.identity.account;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.identity.IdentityIntegrationTest;
import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.activation.ActivationCodeService;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.keycloak.KeycloakConfig;
import health.portal.identity.keycloak.KeycloakProperties;
import health.portal.identity.web.ClientInfo;
import health.portal.identity.web.StaffMember;
import health.portal.platform.outbox.OutboxPublisher;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Ending access while Keycloak hangs: the termination is recorded and committed before Keycloak is called, so the
 * access log's lock is free while the call hangs; the patient's token is refused meanwhile; the sign-out is retried
 * until Keycloak has disabled the user.
 */
class SignOutRetryTest extends IdentityIntegrationTest {

    private static final Duration HANG = Duration.ofSeconds(3);

    @Autowired
    PatientAccounts accounts;

    @Autowired
    ActivationCodeService codes;

    @Autowired
    OutboxPublisher outbox;

    @Autowired
    AccessLog accessLog;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Clock clock;

    @Autowired
    JdbcClient db;

    @Autowired
    TerminationProperties properties;

    @Test
    void aSignOutKeycloakFailsIsRetriedUntilDoneAndTheAccountIsRefusedMeanwhile() throws Exception {
        Patient patient = enrollNewPatient("retry");
        String token = signIn(patient.username(), patient.password()).accessToken();

        AccessTermination.Terminated terminated;
        // closed last, after the socket, so that an accept() still waiting ends
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Keycloak hungAdmin = KeycloakConfig.adminClient(hangingKeycloak(hung))) {
            Future<Socket> keycloakCalled = threads.submit(() -> hung.accept());
            AccessTermination termination = terminationWith(new KeycloakAccounts(hungAdmin, hangingKeycloak(hung)));
            Future<AccessTermination.Terminated> terminating = threads.submit(() -> termination.terminate(
                    patient.patientId(),
                    "misuse",
                    new StaffMember("staff-test", "staff.test", "Staff Test"),
                    new ClientInfo("127.0.0.1", "test")));

            try (Socket call = keycloakCalled.get(10, TimeUnit.SECONDS)) {
                assertThat(terminating.isDone()).isFalse();
                assertThat(accounts.activeAccountOf(patient.patientId()))
                        .as("recorded and committed before Keycloak is called")
                        .isEmpty();
                assertAccessLogNotLocked(patient);
                terminated = terminating.get(HANG.plusSeconds(10).toSeconds(), TimeUnit.SECONDS);
            }
        }

        assertThat(terminated.signInDisabled()).isFalse();
        Map<String, Object> signOut = signOutOf(patient);
        assertThat(signOut.get("state")).isEqualTo("PENDING");
        assertThat((Integer) signOut.get("attempts")).isEqualTo(1);
        assertThat((String) signOut.get("last_error")).contains("sign-in service");
        Reply refused = get("/api/me", token);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.type()).endsWith("/access-terminated");

        // the service's own retry, with the real Keycloak
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"DONE".equals(signOutOf(patient).get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(signOutOf(patient).get("state")).isEqualTo("DONE");
        assertThat(realmAdmin().users().get(patient.userId()).toRepresentation().isEnabled())
                .isFalse();
        assertThat(attemptSignIn(patient.username(), patient.password()).succeeded())
                .isFalse();
    }

    /** Another writer of the access log gets its lock at once while the termination waits on Keycloak. */
    private void assertAccessLogNotLocked(Patient patient) {
        long started = System.nanoTime();
        Boolean appended = tx.execute(status -> {
            db.sql("set local lock_timeout = '1s'").update();
            return accessLog.append(new AccessLog.Entry(
                    "PORTAL",
                    "test:" + UUID.randomUUID(),
                    patient.patientId(),
                    patient.userId(),
                    Instant.now(),
                    "ACCOUNT",
                    "test.concurrent_append",
                    "SUCCESS",
                    "test",
                    "STAFF",
                    null,
                    null,
                    null));
        });
        assertThat(appended).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    private AccessTermination terminationWith(KeycloakAccounts keycloak) {
        return new AccessTermination(
                accounts,
                codes,
                outbox,
                accessLog,
                new TerminationSignOuts(db, keycloak, outbox, tx, properties),
                tx,
                clock);
    }

    /** A Keycloak that accepts connections and never answers. */
    private static KeycloakProperties hangingKeycloak(ServerSocket hung) {
        return new KeycloakProperties(
                "http://127.0.0.1:" + hung.getLocalPort(), "portal", "identity-service", "secret", HANG, HANG);
    }

    private Map<String, Object> signOutOf(Patient patient) {
        return jdbc.queryForMap(
                "select state, attempts, last_error from termination_sign_out where patient_id = ?",
                patient.patientId());
    }
}
