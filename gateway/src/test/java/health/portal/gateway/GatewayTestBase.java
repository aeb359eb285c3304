package health.portal.gateway;

import health.portal.gateway.tls.GeneratedCertificate;
import health.portal.gateway.tls.HttpsRedirectServer;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.redis.RedisServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One gateway for all test classes (one Spring context), in front of a real Keycloak, Redis and Kafka, a local
 * identity-service stand-in and a records.proto server implemented in the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayTestBase {

    static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    static final KafkaBroker KAFKA = KafkaBroker.shared();

    static final IdentityEchoServer IDENTITY = new IdentityEchoServer();

    static final TestRecordsServer RECORDS = new TestRecordsServer();

    /** Keys of this test JVM only, so that a gateway running on the same Redis is not affected. */
    static final String REDIS_PREFIX = "gwtest-" + UUID.randomUUID() + ":";

    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(8);

    static final int ENROLLMENT_LIMIT = 5;

    static final int USER_LIMIT = 40;

    private static final Map<String, TestUser> USERS = new ConcurrentHashMap<>();

    static {
        KAFKA.createTopics("portal.identity.events", "portal.audit.events", "portal.security.events");
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RedisServer redis = RedisServer.shared();
        registry.add("spring.data.redis.host", redis::host);
        registry.add("spring.data.redis.port", redis::port);
        registry.add("spring.session.redis.namespace", () -> REDIS_PREFIX + "session");
        registry.add("gateway.redis-key-prefix", () -> REDIS_PREFIX);
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("gateway.security.issuer-uri", KEYCLOAK::issuerUri);
        registry.add("gateway.security.web-client-secret", () -> KEYCLOAK.clientSecret("portal-web"));
        registry.add("gateway.security.idle-timeout", () -> IDLE_TIMEOUT.toSeconds() + "s");
        registry.add("IDENTITY_SERVICE_URI", IDENTITY::baseUrl);
        registry.add("RECORDS_GRPC_ADDRESS", RECORDS::address);
        registry.add("RECORDS_GRPC_NEGOTIATION", () -> "plaintext");
        registry.add("gateway.records.deadline", () -> "2s");
        registry.add("management.server.port", () -> "0");
        registry.add("gateway.tls.redirect-port", () -> "0");
        // tests stand for many clients: each names its own address, as a trusted proxy would
        registry.add("server.forward-headers-strategy", () -> "framework");
        registry.add("gateway.rate-limit.per-address", () -> "1000");
        registry.add("gateway.rate-limit.per-user", () -> Integer.toString(USER_LIMIT));
        registry.add("gateway.rate-limit.enrollment", () -> Integer.toString(ENROLLMENT_LIMIT));
        registry.add("gateway.rate-limit.sign-in", () -> "1000");
        registry.add("gateway.events.auth-failure-burst", () -> "5");
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    GeneratedCertificate generatedCertificate;

    @Autowired
    HttpsRedirectServer redirectServer;

    /** A client that trusts exactly the gateway's generated certificate, follows no redirects, keeps no cookies. */
    HttpClient client() {
        return HttpClient.newBuilder()
                .sslContext(sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Like a browser: keeps cookies (Secure ones only over HTTPS). */
    HttpClient browser(CookieManager cookies) {
        return HttpClient.newBuilder()
                .sslContext(sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    static CookieManager cookieJar() {
        return new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    }

    SSLContext sslContext() {
        try {
            X509Certificate certificate = generatedCertificate.certificate().orElseThrow();
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    /** A request from its own client address (through the trusted-proxy header). */
    HttpRequest.Builder request(String path, String clientAddress) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", clientAddress);
    }

    HttpResponse<String> get(String path, String bearer) {
        HttpRequest.Builder request = request(path, "198.51.100.1");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(client(), request.GET().build());
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** A patient user in Keycloak, created once per role name for this JVM. */
    static TestUser patient(String role) {
        return USERS.computeIfAbsent(role, name -> {
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            String username = "gw-" + name + "-" + suffix;
            String password = "Correct-Horse-" + suffix;
            String patientId = "pat-" + suffix;
            String userId = KEYCLOAK.createPatientUser(
                    username, password, username + "@example.org", patientId, "Test", "Patient");
            return new TestUser(userId, username, password, patientId);
        });
    }

    /** A fresh access token of the mobile app (public client, PKCE) for that user. */
    static String mobileToken(TestUser user) {
        return BrowserSignIn.signIn(
                        KEYCLOAK, "portal-mobile", null, "http://127.0.0.1/callback", user.username(), user.password())
                .accessToken();
    }

    record TestUser(String userId, String username, String password, String patientId) {}
}
