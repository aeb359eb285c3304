package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Browser sign-in through the gateway (backend-for-frontend): authorization code + PKCE through Keycloak's real
 * login form, tokens kept server-side, only an HttpOnly session cookie in the browser.
 */
class BrowserSessionTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String SESSION_COOKIE = "__Host-SESSION";

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void signInKeepsTokensServerSideAndRelaysThem() throws Exception {
        TestUser user = patient("browser");
        PortalBrowser browser = portalBrowser();
        HttpResponse<String> callback = signIn(browser, user);

        String setCookie = callback.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(SESSION_COOKIE + "="))
                .findFirst()
                .orElseThrow();
        assertThat(setCookie)
                .contains("Secure")
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax")
                .contains("Path=/")
                .doesNotContain("Domain=");
        assertSecurityHeaders(callback);
        // the browser holds nothing but the session cookie: no token in the redirect or the cookie
        assertThat(header(callback, "Location")).isEqualTo("/");
        assertThat(callback.headers().allValues("Set-Cookie")).noneMatch(c -> c.contains("eyJ"));

        HttpResponse<String> me = browser.get("/api/me");
        assertThat(me.statusCode()).isEqualTo(200);
        JsonNode echo = JSON.readTree(me.body());
        String relayed = echo.path("authorization").asString();
        assertThat(relayed).startsWith("Bearer ");
        SignedJWT accessToken = SignedJWT.parse(relayed.substring("Bearer ".length()));
        assertThat(accessToken.getJWTClaimsSet().getSubject()).isEqualTo(user.userId());
        assertThat(accessToken.getJWTClaimsSet().getAudience()).contains("portal-api");
        assertThat(echo.path("cookie").isNull())
                .as("the session cookie stays at the gateway")
                .isTrue();

        // a state-changing call with the session cookie needs the CSRF token; the token itself is not relayed
        assertProblem(browser.post("/api/me/preferences", Map.of()), 403);
        JsonNode csrf = JSON.readTree(browser.get("/auth/session").body()).path("csrf");
        HttpResponse<String> changed = browser.post(
                "/api/me/preferences",
                Map.of(csrf.path("headerName").asString(), csrf.path("token").asString()));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(changed.body()).path("csrf").isNull()).isTrue();
        assertThat(JSON.readTree(changed.body()).path("authorization").asString())
                .startsWith("Bearer ");

        HttpResponse<String> summary = browser.get("/api/records/summary");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(RECORDS.lastPatientId.get()).isEqualTo(user.patientId());

        JsonNode session = JSON.readTree(browser.get("/auth/session").body());
        assertThat(session.path("authenticated").asBoolean()).isTrue();
        assertThat(session.path("subject").asString()).isEqualTo(user.userId());
        assertThat(session.toString()).doesNotContain("eyJ");
    }

    @Test
    void thePagesFirstRequestsAtOnceAllFindTheSignedInSession() throws Exception {
        TestUser user = patient("browser-first-requests");
        PortalBrowser browser = portalBrowser();
        signIn(browser, user);
        String cookie = SESSION_COOKIE + "=" + browser.cookie("https://localhost:" + port, SESSION_COOKIE);

        // as the portal page does after the sign-in redirect: its first calls in parallel, every one with the cookie
        // the sign-in response set, none seeing another's answer
        HttpClient http = client();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(http.sendAsync(
                    request("/auth/session", PortalBrowser.CLIENT_ADDRESS)
                            .header("Cookie", cookie)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            answers.add(call.get(30, TimeUnit.SECONDS));
        }
        assertThat(answers)
                .extracting(answer ->
                        JSON.readTree(answer.body()).path("authenticated").asBoolean())
                .containsOnly(true);
        // and no answer hands the browser another session: the last cookie set wins, an empty session's signs it out
        assertThat(answers)
                .flatExtracting(answer -> answer.headers().allValues("Set-Cookie"))
                .noneMatch(c -> c.startsWith(SESSION_COOKIE + "="));
        HttpResponse<String> later = send(
                http,
                request("/auth/session", PortalBrowser.CLIENT_ADDRESS)
                        .header("Cookie", cookie)
                        .GET()
                        .build());
        assertThat(JSON.readTree(later.body()).path("subject").asString()).isEqualTo(user.userId());
    }

    @Test
    void aBrowserSessionsRequestsAreAuditedAsThePatient() {
        TestUser user = patient("browser-audit");
        PortalBrowser browser = portalBrowser();
        signIn(browser, user);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
        // the session's caller comes from the ID token, which must carry the realm roles like the access token
        AuditEvent audited = KafkaEvents.await(
                        KAFKA.bootstrapServers(),
                        Topics.AUDIT_EVENTS,
                        AuditEvent.class,
                        event -> event.getActorId().equals(user.userId())
                                && event.getResource().equals("identity-me"),
                        Duration.ofSeconds(60))
                .orElseThrow();
        assertThat(audited.getActorType()).isEqualTo(ActorType.PATIENT);
        assertThat(audited.getPatientId()).isEqualTo(user.patientId());
        assertThat(audited.getOutcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void theSessionsAccessTokenIsRefreshedWhenItExpires() throws Exception {
        // portal-web tokens that live 20 s are always within the 30 s refresh margin: every call refreshes
        KeycloakAdmin.setClientAttribute(KEYCLOAK, "portal-web", "access.token.lifespan", "20");
        try {
            TestUser user = patient("refresh");
            PortalBrowser browser = portalBrowser();
            signIn(browser, user);
            java.util.Set<String> relayed = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> me = browser.get("/api/me");
                assertThat(me.statusCode()).isEqualTo(200);
                String token = JSON.readTree(me.body())
                        .path("authorization")
                        .asString()
                        .substring("Bearer ".length());
                assertThat(SignedJWT.parse(token).getJWTClaimsSet().getSubject())
                        .isEqualTo(user.userId());
                relayed.add(token);
            }
            assertThat(relayed).as("a fresh access token per call").hasSize(3);
            assertThat(browser.get("/api/records/summary").statusCode()).isEqualTo(200);
        } finally {
            KeycloakAdmin.setClientAttribute(KEYCLOAK, "portal-web", "access.token.lifespan", null);
        }
    }

    @Test
    void parallelRequestsNearTheTokensExpiryRefreshItOnceAndTheSessionLives() throws Exception {
        // every call is within the refresh margin; Keycloak allows no reuse of a refresh token (rotation): requests
        // that each refreshed with the session's one refresh token would have Keycloak end the session
        KeycloakAdmin.setClientAttribute(KEYCLOAK, "portal-web", "access.token.lifespan", "20");
        try {
            TestUser user = patient("refresh-parallel");
            PortalBrowser browser = portalBrowser();
            signIn(browser, user);
            String cookie = SESSION_COOKIE + "=" + browser.cookie("https://localhost:" + port, SESSION_COOKIE);
            HttpClient http = client();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(http.sendAsync(
                        request("/api/me", PortalBrowser.CLIENT_ADDRESS)
                                .header("Cookie", cookie)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> me = call.get(30, TimeUnit.SECONDS);
                assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
                assertThat(JSON.readTree(me.body()).path("authorization").asString())
                        .startsWith("Bearer ");
            }
            // still signed in, and the next refresh (with the rotated token) works too
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> me = send(
                        http,
                        request("/api/me", PortalBrowser.CLIENT_ADDRESS)
                                .header("Cookie", cookie)
                                .GET()
                                .build());
                assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            }
        } finally {
            KeycloakAdmin.setClientAttribute(KEYCLOAK, "portal-web", "access.token.lifespan", null);
        }
        // the realm's lifespan again for the tests after this one (a token within the margin refreshes every call)
        PortalBrowser fresh = portalBrowser();
        signIn(fresh, patient("refresh-parallel-after"));
        SignedJWT relayed = SignedJWT.parse(JSON.readTree(fresh.get("/api/me").body())
                .path("authorization")
                .asString()
                .substring("Bearer ".length()));
        long lifespan = (relayed.getJWTClaimsSet().getExpirationTime().getTime()
                        - relayed.getJWTClaimsSet().getIssueTime().getTime())
                / 1000;
        assertThat(lifespan).isGreaterThan(60);
    }

    @Test
    void pkceIsUsedForTheAuthorizationRequest() {
        HttpResponse<String> start = portalBrowser().get("/oauth2/authorization/keycloak");
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(header(start, "Location"))
                .startsWith(KEYCLOAK.issuerUri() + "/protocol/openid-connect/auth")
                .contains("client_id=portal-web")
                .contains("code_challenge=")
                .contains("code_challenge_method=S256");
    }

    @Test
    void anIdleSessionEnds() throws Exception {
        PortalBrowser browser = portalBrowser();
        signIn(browser, patient("idle"));
        // kept busy, the session outlives the idle timeout
        long end = System.nanoTime() + IDLE_TIMEOUT.plusSeconds(4).toNanos();
        while (System.nanoTime() < end) {
            assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
            Thread.sleep(IDLE_TIMEOUT.toMillis() / 3);
        }
        // left alone longer than the idle timeout, it is gone
        Thread.sleep(IDLE_TIMEOUT.plusSeconds(3).toMillis());
        assertProblem(browser.get("/api/me"), 401);
        assertThat(JSON.readTree(browser.get("/auth/session").body())
                        .path("authenticated")
                        .asBoolean())
                .isFalse();
    }

    /**
     * The idle timeout is for signed-in sessions. A session that only holds the sign-in under way (the authorization
     * request) waits as long as the person takes at Keycloak's pages, within the sign-in allowance: before, it idled
     * out under the person's fingers, and a callback just past the timeout could even land on the portal page
     * signed out, without a word.
     */
    @Test
    void aSignInThatTakesLongerThanTheIdleTimeoutStillSignsIn() throws Exception {
        PortalBrowser browser = portalBrowser();
        TestUser user = patient("slow-sign-in");
        HttpResponse<String> start = browser.get("/oauth2/authorization/keycloak");
        assertThat(start.statusCode()).isEqualTo(302);
        HttpResponse<String> loginPage = browser.follow(header(start, "Location"));
        assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);

        Thread.sleep(IDLE_TIMEOUT.plusSeconds(3).toMillis());
        HttpResponse<String> afterLogin = browser.submit(
                loginPage, Map.of("username", user.username(), "password", user.password(), "credentialId", ""));
        assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
        HttpResponse<String> landed = browser.follow(header(afterLogin, "Location"));

        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
        assertThat(header(landed, "Location")).isEqualTo("/");
        JsonNode session = JSON.readTree(browser.get("/auth/session").body());
        assertThat(session.path("authenticated").asBoolean()).isTrue();
        assertThat(session.path("subject").asString()).isEqualTo(user.userId());
    }

    @Test
    void signOutEndsTheGatewayAndKeycloakSessions() {
        PortalBrowser browser = portalBrowser();
        TestUser user = patient("signout");
        signIn(browser, user);
        String oldSession = browser.cookie("https://localhost:" + port, SESSION_COOKIE);
        assertThat(oldSession).isNotBlank();

        // without the CSRF token, sign-out (like any cookie-authenticated change) is refused
        assertProblem(browser.post("/logout", Map.of()), 403);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

        JsonNode csrf = JSON.readTree(browser.get("/auth/session").body()).path("csrf");
        HttpResponse<String> logout = browser.post(
                "/logout",
                Map.of(csrf.path("headerName").asString(), csrf.path("token").asString()));
        assertThat(logout.statusCode()).isEqualTo(302);
        assertThat(header(logout, "Clear-Site-Data"))
                .contains("\"cookies\"")
                .contains("\"storage\"")
                .contains("\"cache\"");
        assertSecurityHeaders(logout);
        String keycloakLogout = header(logout, "Location");
        assertThat(keycloakLogout)
                .startsWith(KEYCLOAK.issuerUri() + "/protocol/openid-connect/logout")
                .contains("id_token_hint=")
                .contains("post_logout_redirect_uri=");

        // Keycloak's session is already over, before (and whether or not) the browser follows the redirect
        assertThat(KeycloakAdmin.userSessions(KEYCLOAK, user.userId())).isEmpty();

        // the old session cookie no longer works, even when replayed by hand
        HttpResponse<String> replay = send(
                client(),
                request("/api/me", "198.51.100.30")
                        .header("Cookie", SESSION_COOKIE + "=" + oldSession)
                        .GET()
                        .build());
        assertProblem(replay, 401);

        // RP-initiated logout: Keycloak ends its session and sends the browser back to the portal
        HttpResponse<String> atKeycloak = browser.follow(keycloakLogout);
        assertThat(atKeycloak.statusCode()).isEqualTo(302);
        assertThat(header(atKeycloak, "Location")).startsWith("https://localhost:" + port + "/");
        // signing in again needs the password again: Keycloak shows its login form
        HttpResponse<String> again = browser.follow(header(browser.get("/oauth2/authorization/keycloak"), "Location"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("<form").contains("password");
    }

    @Test
    void aSessionSealedWithARetiredKeyIsNoSessionNotAnError() {
        PortalBrowser browser = portalBrowser();
        signIn(browser, patient("retired-key"));
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
        String sessionId = browser.cookie("https://localhost:" + port, SESSION_COOKIE);

        // as after a key rotation that dropped the key this value was sealed with
        byte[] keyId = "retired".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sealed = new byte[2 + keyId.length + 12 + 48];
        new java.security.SecureRandom().nextBytes(sealed);
        sealed[0] = 1;
        sealed[1] = (byte) keyId.length;
        System.arraycopy(keyId, 0, sealed, 2, keyId.length);
        var redis = health.portal.infra.redis.RedisServer.shared();
        var client = io.lettuce.core.RedisClient.create("redis://" + redis.host() + ":" + redis.port());
        try (var connection = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
            connection
                    .sync()
                    .hset(
                            (REDIS_PREFIX + "session:sessions:" + sessionId).getBytes(),
                            "sessionAttr:SPRING_SECURITY_CONTEXT".getBytes(),
                            sealed);
        } finally {
            client.shutdown();
        }

        assertProblem(browser.get("/api/me"), 401);
        HttpResponse<String> state = browser.get("/auth/session");
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(state.body()).path("authenticated").asBoolean())
                .isFalse();
    }

    @Test
    void thePortalPageWorksSignedInAndSignsOutWithFetch() {
        PortalBrowser browser = portalBrowser();
        HttpResponse<String> landed = signIn(browser, patient("page"));
        assertThat(header(landed, "Location")).isEqualTo("/");

        HttpResponse<String> page = browser.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("In a medical emergency call 9-1-1");
        assertSecurityHeaders(page);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

        // the page's sign-out: fetch with the CSRF header, asking for JSON; it is told where to end Keycloak's session
        JsonNode csrf = JSON.readTree(browser.get("/auth/session").body()).path("csrf");
        HttpResponse<String> logout = browser.post(
                "/logout",
                Map.of(
                        "Accept",
                        "application/json",
                        csrf.path("headerName").asString(),
                        csrf.path("token").asString()));
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(header(logout, "Content-Type")).startsWith("application/json");
        assertThat(header(logout, "Clear-Site-Data")).contains("\"cookies\"");
        assertSecurityHeaders(logout);
        JsonNode signedOut = JSON.readTree(logout.body());
        assertThat(signedOut.path("signedOut").asBoolean()).isTrue();
        String next = signedOut.path("next").asString();
        assertThat(next)
                .startsWith(KEYCLOAK.issuerUri() + "/protocol/openid-connect/logout")
                .contains("post_logout_redirect_uri=https://localhost:" + port + "/");

        assertProblem(browser.get("/api/me"), 401);
        assertThat(JSON.readTree(browser.get("/auth/session").body())
                        .path("authenticated")
                        .asBoolean())
                .isFalse();
        assertThat(browser.get("/").statusCode()).isEqualTo(200);
        // Keycloak ends its session and sends the browser back to the page
        HttpResponse<String> atKeycloak = browser.follow(next);
        assertThat(atKeycloak.statusCode()).isEqualTo(302);
        assertThat(header(atKeycloak, "Location")).isEqualTo("https://localhost:" + port + "/");
    }

    /** Signs in through the gateway with the password and comes back through Keycloak's callback. */
    private HttpResponse<String> signIn(PortalBrowser browser, TestUser user) {
        HttpResponse<String> afterLogin = browser.signIn(user.username(), user.password());
        assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
        String callback = header(afterLogin, "Location");
        assertThat(callback).startsWith("https://localhost:" + port + "/login/oauth2/code/keycloak");
        HttpResponse<String> landed = browser.follow(callback);
        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
        return landed;
    }
}
