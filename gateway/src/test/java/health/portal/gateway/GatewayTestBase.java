package health.portal.gateway;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import health.portal.gateway.tls.GeneratedCertificate;
import health.portal.gateway.tls.HttpsRedirectServer;
import health.portal.infra.browser.Chromium;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.redis.RedisServer;
import health.portal.platform.events.terms.TermsPublications;
import health.portal.platform.security.terms.CurrentTerms;
import org.junit.jupiter.api.BeforeEach;
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
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gateway for all test classes (one Spring context), in front of a real Keycloak, Redis and Kafka, a local
 * identity-service stand-in, messaging-service and billing-service stand-ins and a records.proto server implemented
 * in the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayTestBase {

    static final KeycloakServer KEYCLOAK = KeycloakServer.shared();

    static final KafkaBroker KAFKA = KafkaBroker.shared();

    static final IdentityEchoServer IDENTITY = new IdentityEchoServer();

    static final TestRecordsServer RECORDS = new TestRecordsServer();

    static final MessagingStandIn MESSAGING = new MessagingStandIn();

    static final BillingStandIn BILLING = new BillingStandIn();

    /** Keys of this test JVM only, so that a gateway running on the same Redis is not affected. */
    static final String REDIS_PREFIX = "gwtest-" + UUID.randomUUID() + ":";

    /**
     * Short, so that the tests of the timeout wait little, but not shorter than a browser's stay at Keycloak's pages
     * takes on a loaded machine while signed in (a passkey's set-up, a password change): that session idles
     * meanwhile (8 s was too short in CI). A sign-in has its own allowance ({@code gateway.security.sign-in-timeout}).
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

    static final String SESSION_KEY_ID = "test-" + UUID.randomUUID().toString().substring(0, 8);

    /** This JVM's session encryption key: in the gateway's environment only, never in Redis. */
    static final String SESSION_KEY = randomKey();

    static final int ENROLLMENT_LIMIT = 5;

    /**
     * Above what one browser test makes in a minute (a portal page load is about 15 signed-in requests, and the passkey
     * test loads it three times), below the address limit.
     */
    static final int USER_LIMIT = 80;

    static final int ADDRESS_LIMIT = 100;

    static final Duration TOKEN_CLOCK_SKEW = Duration.ofSeconds(5);

    static final String OPERATOR = "test-operator";

    static final String OPERATOR_PASSWORD = "operator-" + UUID.randomUUID();

    private static final Map<String, TestUser> USERS = new ConcurrentHashMap<>();

    private static final AtomicInteger COMPUTERS = new AtomicInteger();

    /** The current terms of use of these tests, as identity-service would publish them. */
    static final String TERMS_VERSION = "gw-terms-1";

    static {
        KAFKA.createTopics("portal.identity.events", "portal.audit.events", "portal.security.events");
        publishCurrentTerms(TERMS_VERSION, Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** identity-service's part: a TermsPublished on the compacted topic the gateway reads from its start. */
    static void publishCurrentTerms(String version, Instant publishedAt) {
        TermsPublications.publish(KAFKA, version, publishedAt);
    }

    @Autowired
    CurrentTerms currentTerms;

    /** Patients are refused until the gateway has read the current terms: wait for that, once. */
    @BeforeEach
    void currentTermsKnown() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (currentTerms.version().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        if (currentTerms.version().isEmpty()) {
            throw new IllegalStateException("the gateway did not learn the current terms of use");
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RedisServer redis = RedisServer.shared();
        registry.add("spring.data.redis.host", redis::host);
        registry.add("spring.data.redis.port", redis::port);
        registry.add("spring.session.data.redis.namespace", () -> REDIS_PREFIX + "session");
        registry.add("gateway.session.encryption-keys", () -> SESSION_KEY_ID + ":" + SESSION_KEY);
        registry.add("gateway.redis-key-prefix", () -> REDIS_PREFIX);
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("gateway.security.issuer-uri", KEYCLOAK::issuerUri);
        registry.add("gateway.security.web-client-secret", () -> KEYCLOAK.clientSecret("portal-web"));
        registry.add("gateway.security.idle-timeout", () -> IDLE_TIMEOUT.toSeconds() + "s");
        registry.add("IDENTITY_SERVICE_URI", IDENTITY::baseUrl);
        registry.add("MESSAGING_SERVICE_URI", MESSAGING::baseUrl);
        registry.add("BILLING_SERVICE_URI", BILLING::baseUrl);
        registry.add("RECORDS_GRPC_ADDRESS", RECORDS::address);
        registry.add("RECORDS_GRPC_NEGOTIATION", () -> "plaintext");
        registry.add("gateway.records.deadline", () -> "2s");
        registry.add("management.server.port", () -> "0");
        registry.add("gateway.tls.redirect-port", () -> "0");
        // tests stand for many clients: each names its own address, as a trusted proxy would
        registry.add("server.forward-headers-strategy", () -> "framework");
        registry.add("gateway.rate-limit.per-address", () -> Integer.toString(ADDRESS_LIMIT));
        registry.add("gateway.operator.username", () -> OPERATOR);
        registry.add("gateway.operator.password", () -> OPERATOR_PASSWORD);
        registry.add("gateway.rate-limit.per-user", () -> Integer.toString(USER_LIMIT));
        registry.add("gateway.rate-limit.enrollment", () -> Integer.toString(ENROLLMENT_LIMIT));
        registry.add("gateway.rate-limit.sign-in", () -> "1000");
        registry.add("gateway.events.auth-failure-burst", () -> "5");
        // tighter than the platform's 60 s, so that a test of an expired token waits seconds, not a minute
        registry.add("gateway.security.tokens.clock-skew", () -> TOKEN_CLOCK_SKEW.toSeconds() + "s");
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

    /** One person's browser at the gateway and Keycloak, filling in Keycloak's forms. */
    PortalBrowser portalBrowser() {
        return new PortalBrowser(client(), "https://localhost:" + port);
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

    /**
     * A browser profile at a computer of its own: its requests name their own client address through the trusted-proxy
     * header, as {@link PortalBrowser}'s do. Without it every test's browser is 127.0.0.1, and the sign-ins of a fast
     * machine's minute share one address budget ({@link #ADDRESS_LIMIT} requests not signed in) and meet 429s.
     */
    static BrowserContext computer(Chromium chromium) {
        BrowserContext context = chromium.newContext();
        int n = COMPUTERS.incrementAndGet();
        context.setExtraHTTPHeaders(Map.of("X-Forwarded-For", "198.18." + n / 250 + "." + (n % 250 + 1)));
        return context;
    }

    /** A patient signed in at a computer of their own, on the portal page once {@code shown} is visible. */
    Page signedIn(Chromium chromium, TestUser user, String shown) {
        Page page = computer(chromium).newPage();
        page.navigate("https://localhost:" + port + "/");
        page.click("#sign-in");
        page.fill("#username", user.username());
        page.fill("#password", user.password());
        page.click("#kc-login");
        page.waitForURL("https://localhost:" + port + "/**");
        try {
            // Keycloak's pages and the first calls of a fresh session take a while on a shared machine
            page.waitForSelector(shown, new Page.WaitForSelectorOptions().setTimeout(90_000));
        } catch (PlaywrightException notShown) {
            chromium.screenshot(page, "signed-in-without-" + shown.replaceAll("[^a-z]+", "-") + user.username());
            throw notShown;
        }
        return page;
    }

    /** A request to the management port with the operator's HTTP Basic credential. */
    HttpRequest.Builder operatorRequest(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(OPERATOR, OPERATOR_PASSWORD));
    }

    static String basic(String username, String password) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A patient user in Keycloak who accepted the current terms, created once per role name for this JVM. */
    static TestUser patient(String role) {
        return USERS.computeIfAbsent(role, name -> {
            TestUser user = patientWithoutTerms(name);
            KeycloakAdmin.setUserAttribute(KEYCLOAK, user.userId(), "terms_version", TERMS_VERSION);
            return user;
        });
    }

    /** A new patient user in Keycloak who has accepted no terms yet. */
    static TestUser patientWithoutTerms(String name) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String username = "gw-" + name + "-" + suffix;
        String password = "Correct-Horse-" + suffix;
        String patientId = "pat-" + suffix;
        String userId =
                KEYCLOAK.createPatientUser(username, password, username + "@example.org", patientId, "Test", "Patient");
        return new TestUser(userId, username, password, patientId);
    }

    /** A fresh access token of the mobile app (public client, PKCE) for that user. */
    static String mobileToken(TestUser user) {
        return BrowserSignIn.signIn(
                        KEYCLOAK, "portal-mobile", null, "http://127.0.0.1/callback", user.username(), user.password())
                .accessToken();
    }

    /** As another replica's termination consumer stores an entry (the gateway's own Redis keys of this JVM). */
    static void denyInRedis(String userId, Duration ttl) {
        health.portal.infra.redis.RedisServer redis = health.portal.infra.redis.RedisServer.shared();
        io.lettuce.core.RedisClient client =
                io.lettuce.core.RedisClient.create("redis://" + redis.host() + ":" + redis.port());
        try (var connection = client.connect()) {
            connection.sync().psetex(REDIS_PREFIX + "deny:sub:" + userId, ttl.toMillis(), "terminated");
        } finally {
            client.shutdown();
        }
    }

    /** A value of the gateway's own Redis keys of this JVM (without the prefix), null when there is none. */
    static String redisValue(String key) {
        health.portal.infra.redis.RedisServer redis = health.portal.infra.redis.RedisServer.shared();
        io.lettuce.core.RedisClient client =
                io.lettuce.core.RedisClient.create("redis://" + redis.host() + ":" + redis.port());
        try (var connection = client.connect()) {
            return connection.sync().get(REDIS_PREFIX + key);
        } finally {
            client.shutdown();
        }
    }

    record TestUser(String userId, String username, String password, String patientId) {}
}
