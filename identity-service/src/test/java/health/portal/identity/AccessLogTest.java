package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.EventEnvelopeSerializer;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.Outcome;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.springframework.dao.DataAccessException;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

class AccessLogTest extends IdentityIntegrationTest {

    @Test
    void signInsFailuresSignOutsAndRecordAccessesShowInThePatientsOwnLog() throws Exception {
        Patient patient = enrollNewPatient("log");
        assertThat(attemptSignIn(patient.username(), "Wrong-Password-123").succeeded())
                .isFalse();
        BrowserSignIn.Tokens tokens = signIn(patient.username(), patient.password());
        signOut(tokens.refreshToken());

        EventEnvelope audit = Envelopes.wrap(
                AuditEvent.newBuilder()
                        .setActorId(patient.userId())
                        .setActorType(ActorType.PATIENT)
                        .setPatientId(patient.patientId())
                        .setAction("records.GetHealthSummary")
                        .setResource("HealthSummary")
                        .setOutcome(Outcome.SUCCESS)
                        .setClientIp("203.0.113.7")
                        .setUserAgent("Mozilla/5.0 (iPhone)")
                        .build(),
                patient.patientId(),
                "records-service",
                null,
                Instant.now());
        // at-least-once delivery: the same event twice
        sendAudit(audit);
        sendAudit(audit);

        String token = signIn(patient.username(), patient.password()).accessToken();
        List<JsonNode> entries = awaitEntries(
                token,
                list -> list.stream()
                        .anyMatch(e -> e.path("category").asString().equals("RECORD_ACCESS")));
        List<String> categories =
                entries.stream().map(e -> e.path("category").asString()).toList();
        assertThat(categories).contains("SIGN_IN", "SIGN_IN_FAILED", "SIGN_OUT", "RECORD_ACCESS", "ACCOUNT");
        assertThat(categories.stream().filter("RECORD_ACCESS"::equals).count()).isEqualTo(1);
        JsonNode access = entries.stream()
                .filter(e -> e.path("category").asString().equals("RECORD_ACCESS"))
                .findFirst()
                .orElseThrow();
        assertThat(access.path("clientIp").asString()).isEqualTo("203.0.113.7");
        assertThat(access.path("device").asString()).isEqualTo("Mozilla/5.0 (iPhone)");
        assertThat(access.path("action").asString()).isEqualTo("records.GetHealthSummary");
        JsonNode signIn = entries.stream()
                .filter(e -> e.path("category").asString().equals("SIGN_IN"))
                .findFirst()
                .orElseThrow();
        assertThat(signIn.path("clientIp").asString()).isEqualTo("127.0.0.1");
        assertThat(signIn.path("device").asString()).contains("portal-web");
        assertThat(signIn.path("occurredAt").asString()).isNotBlank();

        // someone else's log is not in mine; staff can read any
        Patient other = enrollNewPatient("other");
        Reply staffView = get("/internal/staff/access-log?patientId=" + other.patientId(), staffToken());
        assertThat(staffView.status()).isEqualTo(200);
        assertThat(staffView.body().path("entries").size()).isPositive();
        assertThat(staffView.body().path("entries").toString()).doesNotContain(patient.userId());
        assertThat(get("/api/me/access-log", token).body().path("patientId").asString())
                .isEqualTo(patient.patientId());
        assertThat(get("/internal/staff/access-log?patientId=" + other.patientId(), token)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aPasswordChangedByThePatientShowsInTheLog() throws Exception {
        Patient patient = enrollNewPatient("pwchange");
        UserRepresentation user = realmAdmin().users().get(patient.userId()).toRepresentation();
        user.setRequiredActions(List.of("UPDATE_PASSWORD"));
        realmAdmin().users().get(patient.userId()).update(user);

        String newPassword = "Fresh-Meadow-Compass-91";
        changePasswordAtSignIn(patient.username(), patient.password(), newPassword);

        String token = signIn(patient.username(), newPassword).accessToken();
        List<JsonNode> entries = awaitEntries(
                token,
                list -> list.stream()
                        .anyMatch(e -> e.path("category").asString().equals("PASSWORD_CHANGED")));
        assertThat(entries.stream()
                        .filter(e -> e.path("category").asString().equals("PASSWORD_CHANGED"))
                        .count())
                .isEqualTo(1);
        assertThat(get("/api/me", token).body().path("passwordAgeDays").asLong())
                .isZero();
    }

    /** The browser flow with Keycloak's update-password form in the middle, as a user goes through it. */
    private static void changePasswordAtSignIn(String username, String password, String newPassword) throws Exception {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new AllCookies())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        String verifier = "v".repeat(43) + UUID.randomUUID().toString().replace("-", "");
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize =
                KEYCLOAK.issuerUri() + "/protocol/openid-connect/auth?client_id=portal-web&response_type=code"
                        + "&scope=openid&state=s1&code_challenge_method=S256&code_challenge=" + challenge
                        + "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);
        HttpResponse<String> login = browser.send(
                HttpRequest.newBuilder(URI.create(authorize)).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> update = browser.send(
                formPost(formAction(login.body()), "username=" + enc(username) + "&password=" + enc(password)),
                HttpResponse.BodyHandlers.ofString());
        for (int hops = 0; hops < 3 && update.statusCode() == 302; hops++) {
            // on to the required action's page
            URI next = URI.create(KEYCLOAK.issuerUri())
                    .resolve(update.headers().firstValue("Location").orElseThrow());
            update = browser.send(HttpRequest.newBuilder(next).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        assertThat(update.body()).contains("password-new");
        HttpResponse<String> done = browser.send(
                formPost(
                        formAction(update.body()),
                        "password-new=" + enc(newPassword) + "&password-confirm=" + enc(newPassword)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location").orElseThrow())
                .startsWith(REDIRECT)
                .contains("code=");
    }

    /** Sends every cookie back: Keycloak marks them Secure, which a plain-HTTP test server would otherwise lose. */
    static final class AllCookies extends java.net.CookieHandler {
        private final Map<String, String> cookies = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            return Map.of(
                    "Cookie",
                    List.of(String.join(
                            "; ",
                            cookies.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue())
                                    .toList())));
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) {
            headers.forEach((name, values) -> {
                if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                    for (String value : values) {
                        String pair = value.split(";", 2)[0];
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            cookies.put(
                                    pair.substring(0, eq).trim(),
                                    pair.substring(eq + 1).trim());
                        }
                    }
                }
            });
        }
    }

    private static HttpRequest formPost(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String formAction(String html) {
        Matcher m =
                Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("a form on Keycloak's page").isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void fiveFailedSignInsLockTheAccountForAWhile() {
        Patient patient = enrollNewPatient("brute");
        for (int i = 0; i < 4; i++) {
            assertThat(attemptSignIn(patient.username(), "Wrong-Password-" + i).succeeded())
                    .isFalse();
        }
        // four failures: not locked yet (a success resets the count)
        signIn(patient.username(), patient.password());
        for (int i = 0; i < 5; i++) {
            assertThat(attemptSignIn(patient.username(), "Wrong-Password-" + i).succeeded())
                    .isFalse();
        }
        BrowserSignIn.Result locked = attemptSignIn(patient.username(), patient.password());
        assertThat(locked.succeeded())
                .as("the right password is refused while locked")
                .isFalse();
        Map<String, Object> status = realmAdmin().attackDetection().bruteForceUserStatus(patient.userId());
        assertThat(status.get("disabled")).isEqualTo(true);

        Reply log = get("/internal/staff/access-log?patientId=" + patient.patientId() + "&size=200", staffToken());
        long failures = 0;
        for (JsonNode entry : log.body().path("entries")) {
            if (entry.path("category").asString().equals("SIGN_IN_FAILED")) {
                failures++;
            }
        }
        assertThat(failures).isGreaterThanOrEqualTo(9);
        realmAdmin().attackDetection().clearBruteForceForUser(patient.userId());
    }

    @Test
    void theLogIsAppendOnlyAndATamperedEntryIsDetected() {
        Patient patient = enrollNewPatient("tamper");
        assertThat(get("/internal/staff/access-log/verification", staffToken())
                        .body()
                        .path("valid")
                        .asBoolean())
                .isTrue();
        long seq = jdbc.queryForObject(
                "select max(seq) from access_log_entry where patient_id = ?", Long.class, patient.patientId());
        assertThatThrownBy(() -> jdbc.update("update access_log_entry set client_ip = '10.6.6.6' where seq = ?", seq))
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("delete from access_log_entry where seq = ?", seq))
                .isInstanceOf(DataAccessException.class);

        // someone with full database rights goes around the trigger
        String original =
                jdbc.queryForObject("select client_ip from access_log_entry where seq = ?", String.class, seq);
        tamper("update access_log_entry set client_ip = '10.6.6.6' where seq = " + seq);
        try {
            Reply verification = get("/internal/staff/access-log/verification", staffToken());
            assertThat(verification.body().path("valid").asBoolean()).isFalse();
            assertThat(verification.body().path("firstInvalidSeq").asLong()).isEqualTo(seq);
        } finally {
            tamper("update access_log_entry set client_ip = " + (original == null ? "null" : "'" + original + "'")
                    + " where seq = " + seq);
        }
        assertThat(get("/internal/staff/access-log/verification", staffToken())
                        .body()
                        .path("valid")
                        .asBoolean())
                .isTrue();
    }

    private void tamper(String sql) {
        jdbc.execute("alter table access_log_entry disable trigger access_log_entry_no_change");
        try {
            jdbc.execute(sql);
        } finally {
            jdbc.execute("alter table access_log_entry enable trigger access_log_entry_no_change");
        }
    }

    private List<JsonNode> awaitEntries(String token, java.util.function.Predicate<List<JsonNode>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<JsonNode> entries = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            Reply reply = get("/api/me/access-log?size=200", token);
            assertThat(reply.status()).isEqualTo(200);
            entries = new ArrayList<>();
            reply.body().path("entries").forEach(entries::add);
            if (done.test(entries)) {
                return entries;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("access log never complete: " + entries);
    }

    private static void sendAudit(EventEnvelope envelope) {
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaBroker.shared().bootstrapServers()),
                new StringSerializer(),
                new EventEnvelopeSerializer())) {
            producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS, envelope.getSubjectPatientId(), envelope))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void signOut(String refreshToken) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + "/protocol/openid-connect/logout"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("client_id=portal-web&client_secret="
                                        + KEYCLOAK.clientSecret("portal-web") + "&refresh_token="
                                        + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(204);
    }
}
