package health.portal.billing;

import com.sun.net.httpserver.HttpServer;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.events.terms.TermsPublications;
import health.portal.platform.events.testing.TopicRecorder;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.PatientEnrolled;
import health.portal.testsupport.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The service as it runs: its own PostgreSQL database, Kafka, records-service at the process boundary
 * ({@link TestRecordsServer}), patient, staff and billing-system tokens checked against a JWKS over HTTP, and a token
 * endpoint that gives billing-service its service token as Keycloak would. The schedules are off: tests run the
 * statement run and the export themselves. All subclasses share one Spring context.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "billing.statements.cron=-",
            "billing.paper-mail.cron=-",
            "billing.statements.retry-interval=1h",
            "billing.records.deadline=5s",
            "portal.outbox.poll-interval=100ms",
        })
public abstract class BillingTestBase {

    protected static final TestTokens tokens = TestTokens.shared();
    protected static final TestRecordsServer records = new TestRecordsServer();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    /** What the service published (and, for billing, audited), from the start of the broker. */
    protected static final TopicRecorder EVENTS = TopicRecorder.of(Topics.BILLING_EVENTS, Topics.AUDIT_EVENTS);
    /** Raw records of those topics, to scan for what must never be there. */
    protected static final List<byte[]> RAW_EVENTS = EVENTS.raw();

    protected static final Path DROP_FOLDER = tempFolder();

    private static final ThrowawayDatabase DATABASE = PostgresServer.shared().createThrowawayDatabase("billing");
    private static final HttpServer TOKEN_ENDPOINT = tokenEndpoint();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("spring.datasource.password", DATABASE::password);
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopics(Topics.BILLING_EVENTS, Topics.AUDIT_EVENTS, Topics.IDENTITY_EVENTS, Topics.TERMS_CURRENT);
        TermsPublications.publish(kafka, TestTokens.TERMS_VERSION, Instant.parse("2026-01-01T00:00:00Z"));
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", tokens::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", tokens::jwkSetUri);
        registry.add("spring.grpc.client.channels.records.address", records::address);
        registry.add("spring.grpc.client.channels.records.negotiation-type", () -> "plaintext");
        registry.add(
                "billing.keycloak.token-uri",
                () -> "http://127.0.0.1:" + TOKEN_ENDPOINT.getAddress().getPort() + "/token");
        registry.add("billing.keycloak.client-secret", () -> "test-secret");
        registry.add("billing.paper-mail.drop-folder", DROP_FOLDER::toString);
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
        records.downFor.clear();
        await("the current terms of use", () -> currentTerms.version().isPresent());
        EVENTS.startReading();
    }

    protected static String newPatient() {
        return "pat-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static String billingOffice() {
        return tokens.staff(List.of("billing-office"), List.of("pwd", "otp"));
    }

    protected static String billingSystem() {
        return tokens.client("billing-system");
    }

    protected record Answer(int status, JsonNode json, String body, HttpResponse<byte[]> raw) {}

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

    protected Answer put(String path, String token, Object body, String forwardedFor) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .header("User-Agent", "BillingTest/1.0")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return send(request, token);
    }

    protected Answer setPaperless(String patientId, boolean paperless, String forwardedFor) {
        return put("/api/billing/paperless", tokens.patient(patientId), Map.of("paperless", paperless), forwardedFor);
    }

    /** The patient opens the Billing Summary: their accounts are read from the EMR and kept. */
    protected Answer summary(String patientId) {
        return get("/api/billing/summary", tokens.patient(patientId));
    }

    protected Answer postPosting(Map<String, Object> posting) {
        return post("/internal/billing/postings", billingSystem(), posting);
    }

    protected static Map<String, Object> posting(
            String externalId, String accountId, String kind, String amount, String postedOn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("externalId", externalId);
        body.put("accountId", accountId);
        body.put("kind", kind);
        body.put("amount", amount);
        body.put("currency", "USD");
        body.put("postedOn", postedOn);
        if ("CHARGE".equals(kind)) {
            body.put(
                    "chargeItemId",
                    "ci-" + externalId.replaceAll("[^A-Za-z0-9]", "").toLowerCase());
        }
        return body;
    }

    protected Answer runStatements(String periodEnd) {
        return post("/internal/staff/billing/statement-runs", billingOffice(), Map.of("periodEnd", periodEnd));
    }

    protected Answer exportPaperMail() {
        return post("/internal/staff/billing/paper-mail/exports", billingOffice(), Map.of());
    }

    /** identity-service's part: a PatientEnrolled on its topic, as these exact bytes (sent again: redelivery). */
    protected static byte[] enrollmentRecord(String patientId) {
        return Envelopes.wrap(
                        PatientEnrolled.newBuilder()
                                .setPatientId(patientId)
                                .setUserId("user-" + patientId)
                                .setUsername("u-" + patientId)
                                .setTermsVersion(TestTokens.TERMS_VERSION)
                                .build(),
                        patientId,
                        "identity-service",
                        null,
                        Instant.now())
                .toByteArray();
    }

    protected static void publishIdentityRecord(String patientId, byte[] envelope) {
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.shared().writer()) {
            producer.send(new ProducerRecord<>(Topics.IDENTITY_EVENTS, patientId, envelope))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Answer send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String body = new String(response.body(), StandardCharsets.UTF_8);
            boolean isJson =
                    response.headers().firstValue("Content-Type").orElse("").contains("json");
            JsonNode json = body.isBlank() || !isJson ? null : JSON.readTree(body);
            return new Answer(response.statusCode(), json, body, response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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

    /** Keycloak's token endpoint as billing-service uses it: client credentials give a billing-service token. */
    private static HttpServer tokenEndpoint() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", exchange -> {
                String token = tokens.service("billing-service");
                byte[] body = ("{\"access_token\":\"" + token + "\",\"expires_in\":300,\"token_type\":\"Bearer\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempFolder() {
        try {
            return Files.createTempDirectory("billing-drop-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
