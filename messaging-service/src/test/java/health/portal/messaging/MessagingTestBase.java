package health.portal.messaging;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.infra.smtp.SmtpServer;
import health.portal.platform.events.Topics;
import health.portal.platform.events.terms.TermsPublications;
import health.portal.platform.events.testing.TopicRecorder;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The service as it runs: its own PostgreSQL database, Kafka, the realm's Keycloak for its service token (client
 * credentials of {@code messaging-service}), records-service at the process boundary ({@link TestRecordsServer}),
 * patient and staff tokens checked against a JWKS over HTTP. All subclasses share one Spring context.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "portal.messaging.filing.interval=300ms",
            "portal.messaging.filing.first-backoff=200ms",
            "portal.messaging.filing.max-backoff=1s",
            "portal.messaging.clock.interval=300ms",
            "portal.messaging.records.deadline=10s",
            "portal.outbox.poll-interval=100ms",
            "portal.notices.send-interval=200ms",
            "portal.notices.retry-backoff=200ms",
            "portal.notices.max-retry-backoff=1s",
            "portal.notices.portal-url=https://portal.example.test/app",
        })
public abstract class MessagingTestBase {

    protected static final TestTokens tokens = TestTokens.shared();
    protected static final TestRecordsServer records = new TestRecordsServer();
    /** identity-service's notice addresses, at the process boundary like records-service. */
    protected static final ContactsServer contacts = new ContactsServer();

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    /** What the service published (and, for billing, audited), from the start of the broker. */
    protected static final TopicRecorder EVENTS = TopicRecorder.of(Topics.MESSAGING_EVENTS);
    /** Raw records of those topics, to scan for what must never be there. */
    protected static final List<byte[]> RAW_EVENTS = EVENTS.raw();

    private static final ThrowawayDatabase DATABASE = PostgresServer.shared().createThrowawayDatabase("messaging");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("spring.datasource.password", DATABASE::password);
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopics(Topics.MESSAGING_EVENTS, Topics.TERMS_CURRENT);
        publishCurrentTerms();
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", tokens::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", tokens::jwkSetUri);
        registry.add("spring.grpc.client.channels.records.address", records::address);
        registry.add("spring.grpc.client.channels.records.negotiation-type", () -> "plaintext");
        registry.add("portal.messaging.sealing.key-id", () -> TestRecordsServer.KEY_ID);
        registry.add("portal.messaging.sealing.public-key", records::publicKeyPem);
        KeycloakServer keycloak = KeycloakServer.shared();
        registry.add(
                "portal.messaging.keycloak.token-uri", () -> keycloak.issuerUri() + "/protocol/openid-connect/token");
        registry.add("portal.messaging.keycloak.client-secret", () -> keycloak.clientSecret("messaging-service"));
        registry.add("portal.notices.contacts-uri", contacts::baseUrl);
        registry.add("spring.mail.host", () -> SmtpServer.shared().host());
        registry.add("spring.mail.port", () -> SmtpServer.shared().port());
    }

    /** identity-service's part: the test tokens' terms version as the current one on the compacted topic. */
    static void publishCurrentTerms() {
        TermsPublications.publish(
                KafkaBroker.shared(), TestTokens.TERMS_VERSION, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    CurrentTerms currentTerms;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void ready() throws InterruptedException {
        records.down.set(false);
        await("the current terms of use", () -> currentTerms.version().isPresent());
        EVENTS.startReading();
    }

    protected static String newPatient() {
        return "pat-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static String staff() {
        return tokens.staff(List.of("clinician"), List.of("pwd", "otp"));
    }

    protected static String frontDesk() {
        return tokens.staff(List.of("front-desk"), List.of("pwd", "otp"));
    }

    protected record Answer(int status, JsonNode json, String body, HttpResponse<String> raw) {}

    protected Answer get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    protected Answer post(String path, String token, Object body) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                token);
    }

    protected Answer put(String path, String token, Object body) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                token);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Answer send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean isJson =
                    response.headers().firstValue("Content-Type").orElse("").contains("json");
            JsonNode json = response.body().isBlank() || !isJson ? null : JSON.readTree(response.body());
            return new Answer(response.statusCode(), json, response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message as the compose screen sends it. */
    protected static Map<String, Object> message(String recipient, String subject, String body) {
        return new java.util.LinkedHashMap<>(Map.of(
                "recipient",
                recipient,
                "category",
                "medical-question",
                "subject",
                subject,
                "body",
                body,
                "concernsOnlyMe",
                true));
    }

    protected Answer compose(String patientId, Map<String, Object> message) {
        return post("/api/messages", tokens.patient(patientId), message);
    }

    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The events so far whose payload mentions this id, oldest first. */
    protected static List<EventEnvelope> eventsAbout(String id) {
        return EVENTS.about(id);
    }

    /** The payloads of this type among {@link #eventsAbout}. */
    protected static <T extends com.google.protobuf.Message> List<T> payloads(String id, Class<T> type) {
        return EVENTS.payloads(id, type);
    }
}
