package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.keycloak.StaffUser;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.infra.smtp.SmtpServer;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Base of the integration tests: the service on a random port against a throwaway PostgreSQL database, the in-JVM
 * Kafka broker, the real Keycloak with the realm file, and a gRPC records service with a few known patients. All
 * test classes share this one Spring context.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "portal.access-log.keycloak-sync-interval=1h",
            "portal.outbox.poll-interval=100ms",
            "portal.access-log.head-publish-interval=100ms",
            "portal.termination.retry-interval=500ms",
            "portal.termination.retry-backoff=1s"
        })
public abstract class IdentityIntegrationTest {

    public static final String REDIRECT = "https://localhost:8443/login/oauth2/code/keycloak";
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final KeycloakServer KEYCLOAK = KeycloakServer.shared();
    static final ThrowawayDatabase DB = PostgresServer.shared().createThrowawayDatabase("identity");
    /** The access log's chain key of the tests: of no local form, so it is accepted as a deployment's would be. */
    public static final String MAC_KEY = "test-" + UUID.randomUUID() + UUID.randomUUID();

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static volatile Keycloak masterAdmin;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infrastructure(registry, DB);
    }

    /**
     * The servers, for a context on {@code db}: the service connects as the database's application role and migrates
     * as its owner, and publishes its access log's head to a topic of that database's own.
     */
    public static void infrastructure(DynamicPropertyRegistry registry, ThrowawayDatabase db) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", () -> db.applicationLogin().username());
        registry.add("spring.datasource.password", () -> db.applicationLogin().password());
        registry.add("spring.flyway.user", db::username);
        registry.add("spring.flyway.password", db::password);
        registry.add("portal.access-log.mac-key", () -> MAC_KEY);
        registry.add("portal.access-log.head-topic", () -> Topics.ACCESS_LOG_HEAD + "." + db.name());
        registry.add("portal.terms.topic", () -> Topics.TERMS_CURRENT + "." + db.name());
        registry.add(
                "spring.kafka.bootstrap-servers", () -> KafkaBroker.shared().bootstrapServers());
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", KEYCLOAK::issuerUri);
        registry.add(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> KEYCLOAK.issuerUri() + "/protocol/openid-connect/certs");
        registry.add("portal.keycloak.base-url", KEYCLOAK::baseUrl);
        registry.add("portal.keycloak.client-secret", () -> KEYCLOAK.clientSecret("identity-service"));
        // the same SMTP server Keycloak sends its mails to (KeycloakServer.shared() starts it)
        registry.add("spring.mail.host", () -> SmtpServer.shared().host());
        registry.add("spring.mail.port", () -> SmtpServer.shared().port());
        registry.add(
                "spring.grpc.client.channels.records.address",
                () -> "static://127.0.0.1:" + FakeRecordsService.shared().port());
    }

    static {
        // the first requests to a cold Keycloak can be slow on a loaded machine: warm it up before the tests
        for (String path : List.of("/.well-known/openid-configuration", "/protocol/openid-connect/certs")) {
            try {
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + path))
                                .timeout(Duration.ofSeconds(120))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                throw new IllegalStateException("Keycloak does not answer", e);
            }
        }
    }

    @LocalServerPort
    int port;

    /**
     * The database as its owner sees it: tests set up and inspect what the service's own role may not. The service's
     * connections are the application role's ({@code spring.datasource.username}).
     */
    protected final JdbcTemplate jdbc = owner(DB);

    /** A connection to {@code db} as its owner (the server's administrator here). */
    public static JdbcTemplate owner(ThrowawayDatabase db) {
        return new JdbcTemplate(new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password()));
    }

    /** Answer of the service: status and JSON body (null when empty). */
    public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        public String type() {
            return body == null ? null : body.path("type").asString(null);
        }

        public List<String> errorFields() {
            List<String> fields = new ArrayList<>();
            body.path("errors").forEach(e -> fields.add(e.path("field").asString()));
            return fields;
        }
    }

    protected Reply get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        return send(request, token);
    }

    protected Reply post(String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        body instanceof String s ? s : JSON.writeValueAsString(body)));
        return send(request, token);
    }

    protected static Reply send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("User-Agent", "identity-test/1.0");
        request.timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body =
                    response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body, response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Jordan Lee at the front desk: issues and revokes activation codes. */
    protected static final TestStaff FRONT_DESK = new TestStaff("jordan.lee", "Jordan", "Lee", "front-desk");

    /** Robin Okafor, privacy officer: ends access, reads and verifies access logs, publishes terms. */
    protected static final TestStaff PRIVACY_OFFICER =
            new TestStaff("robin.okafor", "Robin", "Okafor", "privacy-officer");

    /** A front-desk token: signed in through the staff client with password and one-time code. */
    protected static String frontDeskToken() {
        return FRONT_DESK.token();
    }

    protected static String privacyOfficerToken() {
        return PRIVACY_OFFICER.token();
    }

    /** A named member of staff of the test realm, created at first use; their token is reused until near expiry. */
    protected static final class TestStaff {

        private final String username;
        private final String firstName;
        private final String lastName;
        private final String role;
        private StaffUser user;
        private String token;
        private Instant renewAt = Instant.EPOCH;

        TestStaff(String username, String firstName, String lastName, String role) {
            this.username = username;
            this.firstName = firstName;
            this.lastName = lastName;
            this.role = role;
        }

        synchronized String token() {
            if (user == null) {
                user = KEYCLOAK.createStaffUser(username, firstName, lastName, List.of(role));
            }
            if (Instant.now().isAfter(renewAt)) {
                BrowserSignIn.Tokens tokens = KEYCLOAK.staffSignIn(user);
                token = tokens.accessToken();
                renewAt = Instant.now().plusSeconds(Math.max(10, tokens.expiresInSeconds() - 30));
            }
            return token;
        }

        String username() {
            return username;
        }

        String displayName() {
            return firstName + " " + lastName;
        }
    }

    protected static String uniquePatientId() {
        return "pt-" + UUID.randomUUID().toString().substring(0, 8) + "-" + SEQUENCE.incrementAndGet();
    }

    protected static String uniqueUsername(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected String issueCode(String patientId) {
        Reply issued = post(
                "/internal/staff/activation-codes",
                frontDeskToken(),
                Map.of("patientId", patientId, "birthDate", FakeRecordsService.BIRTH_DATE));
        assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
        return issued.body().path("code").asString();
    }

    protected String currentTermsVersion() {
        return get("/api/terms/current", null).body().path("version").asString();
    }

    protected Map<String, Object> enrollment(String code, String birthDate, String username, String password) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("activationCode", code);
        request.put("dateOfBirth", birthDate);
        request.put("username", username);
        request.put("password", password);
        request.put("email", username + "@example.org");
        request.put("termsVersion", currentTermsVersion());
        request.put("acceptTerms", true);
        return request;
    }

    /** A patient enrolled through the real staff and enrollment APIs. */
    protected record Patient(String patientId, String userId, String username, String password) {}

    protected Patient enrollNewPatient(String prefix) {
        String patientId = uniquePatientId();
        String username = uniqueUsername(prefix);
        String password = "Correct-Horse-" + UUID.randomUUID().toString().substring(0, 6);
        Reply enrolled = post(
                "/api/enrollment",
                null,
                enrollment(issueCode(patientId), FakeRecordsService.BIRTH_DATE, username, password));
        assertThat(enrolled.status()).as(String.valueOf(enrolled.body())).isEqualTo(201);
        return new Patient(patientId, enrolled.body().path("userId").asString(), username, password);
    }

    protected static BrowserSignIn.Tokens signIn(String username, String password) {
        return BrowserSignIn.signIn(
                KEYCLOAK, "portal-web", KEYCLOAK.clientSecret("portal-web"), REDIRECT, username, password);
    }

    protected static BrowserSignIn.Result attemptSignIn(String username, String password) {
        return BrowserSignIn.attempt(
                KEYCLOAK.issuerUri(), "portal-web", KEYCLOAK.clientSecret("portal-web"), REDIRECT, username, password);
    }

    /** The portal realm through the master realm's admin (the test's view of Keycloak, not the service's). */
    protected static RealmResource realmAdmin() {
        if (masterAdmin == null) {
            synchronized (IdentityIntegrationTest.class) {
                if (masterAdmin == null) {
                    masterAdmin = KeycloakBuilder.builder()
                            .serverUrl(KEYCLOAK.baseUrl())
                            .realm("master")
                            .clientId("admin-cli")
                            .username(KEYCLOAK.adminUsername())
                            .password(KEYCLOAK.adminPassword())
                            .build();
                }
            }
        }
        return masterAdmin.realm(KeycloakServer.REALM);
    }

    /** Reads {@code topic} from the beginning until a record matches, failing after a generous wait. */
    protected static EventEnvelope awaitEvent(String topic, Predicate<EventEnvelope> match) {
        try (KafkaConsumer<String, EventEnvelope> consumer =
                KafkaBroker.shared().readerFromTheStart(new EventEnvelopeDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EventEnvelope> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && match.test(record.value())) {
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("no matching event on " + topic);
    }
}
