package health.portal.identity.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.identity.FakeRecordsService;
import health.portal.identity.IdentityIntegrationTest;
import health.portal.identity.account.PatientAccounts;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.web.ClientInfo;
import jakarta.ws.rs.NotFoundException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Each point where a crash can stop an enrollment, reached with the service's own steps and then left as a dead
 * request leaves it (its lease runs out): the reconciler, or the patient's retry, settles it.
 */
class EnrollmentRecoveryTest extends IdentityIntegrationTest {

    private static final String PASSWORD = "Recovery-Lantern-42";
    private static final String BIRTH_DATE = FakeRecordsService.BIRTH_DATE;

    @Autowired
    EnrollmentIntents intents;

    @Autowired
    EnrollmentRecorder recorder;

    @Autowired
    EnrollmentReconciler reconciler;

    @Autowired
    KeycloakAccounts keycloak;

    @Autowired
    PatientAccounts accounts;

    @Autowired
    Installation installation;

    @Autowired
    JdbcClient db;

    @Autowired
    Clock clock;

    /** What a request that died after the step left behind. */
    private record Crashed(Intent intent, String userId, String code) {}

    @Test
    void aCrashBeforeTheKeycloakUserExistedIsUndone() {
        Crashed crashed = begun("before");
        leaseRunsOut(crashed.intent());

        reconciler.reconcile();

        assertThat(stateOf(crashed.intent())).isEqualTo("UNDONE");
    }

    @Test
    void aCrashAfterTheDisabledUserWasCreatedDeletesItAndFreesTheUserId() {
        Crashed crashed = withKeycloakUser(begun("created"));
        assertThat(keycloak.findByUsername(crashed.intent().username()))
                .hasValueSatisfying(user -> assertThat(user.enabled()).isFalse());
        assertThat(attemptSignIn(crashed.intent().username(), PASSWORD).succeeded())
                .as("a half-done enrollment cannot sign in")
                .isFalse();
        leaseRunsOut(crashed.intent());

        reconciler.reconcile();

        assertThat(stateOf(crashed.intent())).isEqualTo("UNDONE");
        assertThat(keycloak.findByUsername(crashed.intent().username())).isEmpty();
        assertThat(codeStatus(crashed)).isEqualTo("ACTIVE");
        Reply retry = post("/api/enrollment", null, retryOf(crashed));
        assertThat(retry.status()).as(String.valueOf(retry.body())).isEqualTo(201);
    }

    @Test
    void aCrashAfterTheEnrollmentWasRecordedEnablesTheUser() {
        Crashed crashed = withKeycloakUser(begun("recorded"));
        assertThat(recorder.record(
                        crashed.intent(), crashed.userId(), currentTermsVersion(), new ClientInfo("127.0.0.1", "t")))
                .isEqualTo(EnrollmentRecorder.Outcome.RECORDED);
        assertThat(attemptSignIn(crashed.intent().username(), PASSWORD).succeeded())
                .isFalse();
        leaseRunsOut(crashed.intent());

        reconciler.reconcile();

        assertThat(stateOf(crashed.intent())).isEqualTo("COMPLETED");
        assertThat(signIn(crashed.intent().username(), PASSWORD).accessToken()).isNotBlank();
        assertThat(accounts.isActive(crashed.userId())).isTrue();
        assertThat(jdbc.queryForObject(
                        "select count(*) from outbox_event where record_key = ? and event_type like '%.PatientEnrolled'",
                        Integer.class, crashed.intent().patientId()))
                .isEqualTo(1);
    }

    @Test
    void thePatientsRetryTakesOverTheirOwnAbandonedAttempt() {
        Crashed crashed = withKeycloakUser(begun("retry"));

        Reply whileHeld = post("/api/enrollment", null, retryOf(crashed));
        assertThat(whileHeld.status()).isEqualTo(409);
        assertThat(whileHeld.type()).endsWith("/enrollment-in-progress");
        assertThat(whileHeld.raw().headers().firstValue("Retry-After")).isPresent();
        Reply someoneElse = post(
                "/api/enrollment",
                null,
                enrollment(
                        issueCode(uniquePatientId()),
                        BIRTH_DATE,
                        crashed.intent().username(),
                        PASSWORD));
        assertThat(someoneElse.status()).isEqualTo(400);
        assertThat(someoneElse.errorFields()).containsExactly("username");

        leaseRunsOut(crashed.intent());
        Reply retry = post("/api/enrollment", null, retryOf(crashed));

        assertThat(retry.status()).as(String.valueOf(retry.body())).isEqualTo(201);
        assertThat(retry.body().path("userId").asString()).isNotEqualTo(crashed.userId());
        assertThat(stateOf(crashed.intent())).isEqualTo("UNDONE");
        assertThat(realmAdmin().users().searchByUsername(crashed.intent().username(), true))
                .singleElement()
                .satisfies(user -> assertThat(user.isEnabled()).isTrue());
    }

    @Test
    void theSweepDeletesOnlyThisInstallationsUsersThatNothingAccountsFor() throws Exception {
        String orphan = userMarkedBy(installation.id());
        String foreign = userMarkedBy(UUID.randomUUID().toString());
        String unmarked = KEYCLOAK.createPatientUser(
                uniqueUsername("tool"), PASSWORD, uniqueUsername("tool") + "@example.org", uniquePatientId(), "T", "U");
        Patient enrolled = enrollNewPatient("swept");
        Crashed pending = withKeycloakUser(begun("open"));
        Thread.sleep(5); // older than the zero grace

        OrphanSweep sweep = new OrphanSweep(
                keycloak,
                accounts,
                intents,
                installation,
                new EnrollmentProperties(null, null, Duration.ofHours(1), Duration.ZERO, null),
                db,
                clock);
        jdbc.update("update enrollment_sweep set next_run_at = now()");
        sweep.sweep();

        assertThat(exists(orphan)).as("this installation's orphan").isFalse();
        assertThat(exists(foreign)).as("another installation's user").isTrue();
        assertThat(exists(unmarked)).as("a user made without enrollment").isTrue();
        assertThat(exists(enrolled.userId())).as("an enrolled user").isTrue();
        assertThat(exists(pending.userId())).as("the user of an open intent").isTrue();
        List.of(foreign, unmarked).forEach(keycloak::delete);
    }

    private Crashed begun(String prefix) {
        String patientId = uniquePatientId();
        String code = issueCode(patientId);
        UUID codeId = jdbc.queryForObject("select id from activation_code where patient_id = ?", UUID.class, patientId);
        Intent intent = intents.begin(
                        uniqueUsername(prefix),
                        patientId,
                        codeId,
                        "request-" + UUID.randomUUID(),
                        Duration.ofMinutes(5))
                .orElseThrow();
        return new Crashed(intent, null, code);
    }

    private Crashed withKeycloakUser(Crashed begun) {
        Intent intent = begun.intent();
        String userId = keycloak.createPatientUser(
                intent.username(), intent.username() + "@example.org", PASSWORD, intent.patientId(), installation.id());
        return new Crashed(intent, userId, begun.code());
    }

    private String userMarkedBy(String installationId) {
        String username = uniqueUsername("mark");
        return keycloak.createPatientUser(
                username, username + "@example.org", PASSWORD, uniquePatientId(), installationId);
    }

    private Map<String, Object> retryOf(Crashed crashed) {
        return enrollment(crashed.code(), BIRTH_DATE, crashed.intent().username(), PASSWORD);
    }

    private void leaseRunsOut(Intent intent) {
        jdbc.update("update enrollment_intent set lease_until = now() - interval '1 second' where id = ?", intent.id());
    }

    private String stateOf(Intent intent) {
        return jdbc.queryForObject("select state from enrollment_intent where id = ?", String.class, intent.id());
    }

    private String codeStatus(Crashed crashed) {
        return jdbc.queryForObject(
                "select status from activation_code where id = ?",
                String.class,
                crashed.intent().codeId());
    }

    private static boolean exists(String userId) {
        try {
            realmAdmin().users().get(userId).toRepresentation();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
