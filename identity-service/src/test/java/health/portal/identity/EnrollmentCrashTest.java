package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.PatientEnrolled;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The experiment of issue 15, in the suite: enrollments in several threads against identity-service running as a
 * process of its own, killed with SIGKILL midway and started again on the same database. Already at the crash no
 * Keycloak user that can sign in lacks a recorded enrollment (users are created disabled). After the restart every
 * open intent is settled: a recorded enrollment has its one enabled user and one PatientEnrolled, any other patient
 * no Keycloak user at all, and each of those enrolls again with the same user ID and code.
 */
class EnrollmentCrashTest extends IdentityIntegrationTest {

    private static final int PATIENTS = 24;
    private static final int THREADS = 6;
    private static final String PASSWORD = "Crash-Test-Lantern-42";
    private static final ThrowawayDatabase CRASH_DB = PostgresServer.shared().createThrowawayDatabase("identity_crash");

    private final JdbcTemplate crashDb =
            new JdbcTemplate(new DriverManagerDataSource(CRASH_DB.jdbcUrl(), CRASH_DB.username(), CRASH_DB.password()));

    private record Applicant(String patientId, String username, String code) {}

    @Test
    void aServiceKilledMidEnrollmentLeavesNoOrphanAndEveryPatientCanRetry() throws Exception {
        List<Applicant> applicants = new java.util.ArrayList<>();
        String terms = null;
        Map<String, Integer> atCrash = Map.of();
        // the kill lands where it lands: until it has cut off enrollments both before and after their transaction
        // (at most three crashes; the intents of each stay open for the recovery below)
        for (int crash = 0; crash < 3 && !cutBothWays(atCrash); crash++) {
            try (SlowRelay slowKeycloak = new SlowRelay(URI.create(KEYCLOAK.baseUrl()), Duration.ofMillis(40));
                    IdentityServiceProcess first = IdentityServiceProcess.start(
                            "before-crash-" + crash, serviceProperties(slowKeycloak.baseUrl()))) {
                terms = termsVersion(first);
                List<Applicant> these = issueCodes(first);
                applicants.addAll(these);
                slowDownTheEnrollmentTransaction(true);
                enrollUntilKilled(first, these, terms);
            }
            atCrash = openIntentsAtCrash();
        }
        System.out.println("Open enrollment intents at the crash: " + atCrash);
        assertThat(atCrash.getOrDefault("RECORDED", 0))
                .as("cut off after the enrollment transaction: %s", atCrash)
                .isPositive();
        assertThat(atCrash.getOrDefault("PENDING with user", 0) + atCrash.getOrDefault("PENDING without user", 0))
                .as("cut off before it: %s", atCrash)
                .isPositive();
        assertNoUserCanSignInWithoutARecordedEnrollment(applicants);
        slowDownTheEnrollmentTransaction(false);

        try (IdentityServiceProcess second =
                IdentityServiceProcess.start("after-crash", serviceProperties(KEYCLOAK.baseUrl()))) {
            awaitEveryIntentSettled();
            List<Applicant> notEnrolled = assertEachPatientHasItsEnrollmentOrNothing(applicants);
            assertThat(notEnrolled)
                    .as("patients whose enrollment the crash undid")
                    .isNotEmpty();

            retryConcurrently(second, notEnrolled, terms);
            assertThat(assertEachPatientHasItsEnrollmentOrNothing(applicants)).isEmpty();
            assertThat(signIn(notEnrolled.getFirst().username(), PASSWORD).accessToken())
                    .isNotBlank();
            assertOnePatientEnrolledEventEach(applicants);
        }
    }

    private static boolean cutBothWays(Map<String, Integer> atCrash) {
        return atCrash.getOrDefault("RECORDED", 0) > 0
                && atCrash.getOrDefault("PENDING with user", 0) + atCrash.getOrDefault("PENDING without user", 0) > 0;
    }

    /** The experiment's service: its own database and consumer group, short leases so recovery is quick. */
    private static Map<String, String> serviceProperties(String keycloakUrl) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", CRASH_DB.jdbcUrl());
        // as identity-service runs: the application role for its work, the owner for migrations, a chain key
        properties.put("spring.datasource.username", CRASH_DB.applicationLogin().username());
        properties.put("spring.datasource.password", CRASH_DB.applicationLogin().password());
        properties.put("spring.flyway.user", CRASH_DB.username());
        properties.put("spring.flyway.password", CRASH_DB.password());
        properties.put("portal.access-log.mac-key", MAC_KEY);
        properties.put("portal.access-log.head-topic", Topics.ACCESS_LOG_HEAD + "." + CRASH_DB.name());
        properties.put("spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers());
        properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", KEYCLOAK.issuerUri());
        properties.put(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                KEYCLOAK.issuerUri() + "/protocol/openid-connect/certs");
        properties.put("portal.keycloak.base-url", keycloakUrl);
        properties.put("portal.keycloak.client-secret", KEYCLOAK.clientSecret("identity-service"));
        properties.put(
                "spring.grpc.client.channels.records.address",
                "static://127.0.0.1:" + FakeRecordsService.shared().port());
        properties.put("portal.access-log.keycloak-sync-interval", "1h");
        properties.put("portal.access-log.audit-consumer-group", "identity-service.access-log.crash-test");
        properties.put("portal.outbox.poll-interval", "100ms");
        properties.put("portal.enrollment.lease", "3s");
        properties.put("portal.enrollment.reconcile-interval", "500ms");
        properties.put("management.tracing.sampling.probability", "0");
        return properties;
    }

    private List<Applicant> issueCodes(IdentityServiceProcess service) {
        List<Applicant> applicants = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            String patientId = uniquePatientId();
            Reply issued = postTo(
                    service,
                    "/internal/staff/activation-codes",
                    frontDeskToken(),
                    Map.of("patientId", patientId, "birthDate", FakeRecordsService.BIRTH_DATE));
            assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
            applicants.add(new Applicant(
                    patientId,
                    uniqueUsername("crash"),
                    issued.body().path("code").asString()));
        }
        return applicants;
    }

    /** Kills the service once a third of the patients are enrolled, while the others are at every step. */
    private void enrollUntilKilled(IdentityServiceProcess service, List<Applicant> applicants, String terms)
            throws InterruptedException {
        AtomicInteger enrolled = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        for (Applicant applicant : applicants) {
            threads.submit(() -> {
                try {
                    if (postTo(service, "/api/enrollment", null, enrollment(applicant, terms))
                                    .status()
                            == 201) {
                        enrolled.incrementAndGet();
                    }
                } catch (RuntimeException cutOffByTheKill) {
                    // the connection died with the service
                }
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(enrolled.get() >= PATIENTS / 3 && someOpenIn("RECORDED") && someOpenIn("PENDING"))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        service.kill();
        threads.shutdown();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(enrolled.get()).as("enrolled before the kill").isBetween(PATIENTS / 3, PATIENTS - 1);
    }

    private void retryConcurrently(IdentityServiceProcess service, List<Applicant> applicants, String terms)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Reply>> retries = new ArrayList<>();
            for (Applicant applicant : applicants) {
                retries.add(
                        threads.submit(() -> postTo(service, "/api/enrollment", null, enrollment(applicant, terms))));
            }
            for (int i = 0; i < applicants.size(); i++) {
                Reply retry = retries.get(i).get(60, TimeUnit.SECONDS);
                assertThat(retry.status())
                        .as(
                                "%s retries with the same user ID: %s",
                                applicants.get(i).username(), retry.body())
                        .isEqualTo(201);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Makes the enrollment transaction last longer, so that the kill finds some of them inside it. */
    private void slowDownTheEnrollmentTransaction(boolean slow) {
        if (slow) {
            crashDb.execute("""
                    create or replace function crash_test_slow() returns trigger language plpgsql as $$
                    begin perform pg_sleep(0.2); return new; end $$""");
            crashDb.execute("create trigger crash_test_slow before insert on patient_account"
                    + " for each row execute function crash_test_slow()");
        } else {
            crashDb.execute("drop trigger crash_test_slow on patient_account");
        }
    }

    private boolean someOpenIn(String state) {
        return crashDb.queryForObject("select count(*) from enrollment_intent where state = ?", Integer.class, state)
                > 0;
    }

    /** The open intents as the crash left them: PENDING ones split by whether Keycloak had their user yet. */
    private Map<String, Integer> openIntentsAtCrash() {
        Map<String, Integer> open = new HashMap<>();
        crashDb.query("select state, username from enrollment_intent where state in ('PENDING', 'RECORDED')", rs -> {
            String state = rs.getString("state");
            if (state.equals("PENDING")) {
                boolean created = !realmAdmin()
                        .users()
                        .searchByUsername(rs.getString("username"), true)
                        .isEmpty();
                state = created ? "PENDING with user" : "PENDING without user";
            }
            open.merge(state, 1, Integer::sum);
        });
        return open;
    }

    private Map<String, Integer> intentsByState() {
        Map<String, Integer> states = new HashMap<>();
        crashDb.query("select state, count(*) from enrollment_intent group by state", rs -> {
            states.put(rs.getString(1), rs.getInt(2));
        });
        return states;
    }

    private void assertNoUserCanSignInWithoutARecordedEnrollment(List<Applicant> applicants) {
        for (Applicant applicant : applicants) {
            List<String> recorded = recordedAccounts(applicant);
            for (UserRepresentation user : keycloakUsersOf(applicant)) {
                if (Boolean.TRUE.equals(user.isEnabled())) {
                    assertThat(recorded)
                            .as("enabled Keycloak user %s of %s", user.getUsername(), applicant.patientId())
                            .contains(user.getId());
                }
            }
        }
    }

    private void awaitEveryIntentSettled() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Integer open = crashDb.queryForObject(
                    "select count(*) from enrollment_intent where state in ('PENDING', 'RECORDED')", Integer.class);
            if (open == 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("intents still open after the restart: " + intentsByState());
    }

    /** @return the patients without a recorded enrollment */
    private List<Applicant> assertEachPatientHasItsEnrollmentOrNothing(List<Applicant> applicants) {
        List<Applicant> notEnrolled = new ArrayList<>();
        for (Applicant applicant : applicants) {
            List<String> recorded = recordedAccounts(applicant);
            List<UserRepresentation> users = keycloakUsersOf(applicant);
            Integer events = crashDb.queryForObject(
                    "select count(*) from outbox_event where record_key = ? and event_type like '%.PatientEnrolled'",
                    Integer.class, applicant.patientId());
            if (recorded.isEmpty()) {
                assertThat(users)
                        .as("Keycloak users of %s, never enrolled", applicant.patientId())
                        .isEmpty();
                assertThat(events).isZero();
                notEnrolled.add(applicant);
            } else {
                assertThat(users)
                        .as("Keycloak users of %s", applicant.patientId())
                        .singleElement()
                        .satisfies(user -> {
                            assertThat(user.getId()).isEqualTo(recorded.getFirst());
                            assertThat(user.isEnabled()).isTrue();
                        });
                assertThat(events)
                        .as("PatientEnrolled of %s", applicant.patientId())
                        .isEqualTo(1);
            }
        }
        return notEnrolled;
    }

    /** Kafka has one PatientEnrolled (one event id, whatever the relay resent after the crash) per patient. */
    private static void assertOnePatientEnrolledEventEach(List<Applicant> applicants) {
        Map<String, Set<String>> eventIds = new HashMap<>();
        applicants.forEach(a -> eventIds.put(a.patientId(), new HashSet<>()));
        try (KafkaConsumer<String, EventEnvelope> consumer =
                KafkaBroker.shared().readerFromTheStart(new EventEnvelopeDeserializer())) {
            consumer.subscribe(List.of(Topics.IDENTITY_EVENTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, EventEnvelope> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        continue;
                    }
                    Envelopes.payload(record.value(), PatientEnrolled.class)
                            .filter(p -> eventIds.containsKey(p.getPatientId()))
                            .ifPresent(p -> eventIds.get(p.getPatientId())
                                    .add(record.value().getEventId()));
                }
                if (quietUntil == Long.MAX_VALUE && eventIds.values().stream().noneMatch(Set::isEmpty)) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // room for duplicates
                }
            }
        }
        assertThat(eventIds)
                .allSatisfy((patientId, ids) -> assertThat(ids)
                        .as("PatientEnrolled event ids of %s", patientId)
                        .hasSize(1));
    }

    private List<String> recordedAccounts(Applicant applicant) {
        return crashDb.queryForList(
                "select user_id from patient_account where patient_id = ?", String.class, applicant.patientId());
    }

    private static List<UserRepresentation> keycloakUsersOf(Applicant applicant) {
        return realmAdmin()
                .users()
                .searchByAttributes(0, 100, null, true, false, "patient_id:" + applicant.patientId());
    }

    private static Map<String, Object> enrollment(Applicant applicant, String terms) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("activationCode", applicant.code());
        request.put("dateOfBirth", FakeRecordsService.BIRTH_DATE);
        request.put("username", applicant.username());
        request.put("password", PASSWORD);
        request.put("email", applicant.username() + "@example.org");
        request.put("termsVersion", terms);
        request.put("acceptTerms", true);
        return request;
    }

    private static String termsVersion(IdentityServiceProcess service) {
        return send(
                        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/terms/current"))
                                .GET(),
                        null)
                .body()
                .path("version")
                .asString();
    }

    private static Reply postTo(IdentityServiceProcess service, String path, String token, Object body) {
        return send(
                HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                token);
    }
}
