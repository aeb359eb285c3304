package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Browser sign-in through the gateway (backend-for-frontend): authorization code + PKCE through Keycloak's real
 * login form, tokens kept server-side, only an HttpOnly session cookie in the browser.
 */
class BrowserSessionTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);

    private static final String SESSION_COOKIE = "__Host-SESSION";

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void signInKeepsTokensServerSideAndRelaysThem() throws Exception {
        TestUser user = patient("browser");
        Browser browser = new Browser();
        HttpResponse<String> callback = browser.signIn(user);

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
    void aBrowserSessionsRequestsAreAuditedAsThePatient() {
        TestUser user = patient("browser-audit");
        Browser browser = new Browser();
        browser.signIn(user);
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
            Browser browser = new Browser();
            browser.signIn(user);
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
    void pkceIsUsedForTheAuthorizationRequest() {
        HttpResponse<String> start = new Browser().get("/oauth2/authorization/keycloak");
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(header(start, "Location"))
                .startsWith(KEYCLOAK.issuerUri() + "/protocol/openid-connect/auth")
                .contains("client_id=portal-web")
                .contains("code_challenge=")
                .contains("code_challenge_method=S256");
    }

    @Test
    void anIdleSessionEnds() throws Exception {
        Browser browser = new Browser();
        browser.signIn(patient("idle"));
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

    @Test
    void signOutEndsTheGatewayAndKeycloakSessions() {
        Browser browser = new Browser();
        browser.signIn(patient("signout"));
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
    void thePortalPageWorksSignedInAndSignsOutWithFetch() {
        Browser browser = new Browser();
        HttpResponse<String> landed = browser.signIn(patient("page"));
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

    /** A cookie-keeping browser: cookies per origin, Secure ones sent back over HTTPS only. */
    final class Browser {

        private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();

        private final HttpClient http = HttpClient.newBuilder()
                .sslContext(sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();

        HttpResponse<String> signIn(TestUser user) {
            HttpResponse<String> start = get("/oauth2/authorization/keycloak");
            assertThat(start.statusCode()).isEqualTo(302);
            HttpResponse<String> loginPage = follow(header(start, "Location"));
            assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
            Matcher action = FORM_ACTION.matcher(loginPage.body());
            assertThat(action.find()).isTrue();
            HttpResponse<String> afterLogin =
                    exchange(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(BrowserSignIn.form(Map.of(
                                    "username", user.username(), "password", user.password(), "credentialId", "")))));
            assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
            String callback = header(afterLogin, "Location");
            assertThat(callback).startsWith("https://localhost:" + port + "/login/oauth2/code/keycloak");
            HttpResponse<String> landed = follow(callback);
            assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
            return landed;
        }

        HttpResponse<String> get(String path) {
            return exchange(request(path, "198.51.100.31").GET());
        }

        HttpResponse<String> post(String path, Map<String, String> headers) {
            HttpRequest.Builder request = request(path, "198.51.100.31").POST(HttpRequest.BodyPublishers.noBody());
            headers.forEach(request::header);
            return exchange(request);
        }

        HttpResponse<String> follow(String location) {
            return exchange(HttpRequest.newBuilder(URI.create(location))
                    .timeout(Duration.ofSeconds(30))
                    .GET());
        }

        String cookie(String origin, String name) {
            return cookies.getOrDefault(origin, Map.of()).get(name);
        }

        private HttpResponse<String> exchange(HttpRequest.Builder builder) {
            HttpRequest probe = builder.copy().build();
            String origin = origin(probe.uri());
            Map<String, String> jar = cookies.getOrDefault(origin, Map.of());
            if (!jar.isEmpty()) {
                List<String> pairs = new ArrayList<>();
                jar.forEach((name, value) -> pairs.add(name + "=" + value));
                builder.header("Cookie", String.join("; ", pairs));
            }
            HttpResponse<String> response = send(http, builder.build());
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                for (HttpCookie cookie : HttpCookie.parse(setCookie)) {
                    Map<String, String> target = cookies.computeIfAbsent(origin, o -> new ConcurrentHashMap<>());
                    if (cookie.getMaxAge() == 0 || cookie.getValue().isEmpty()) {
                        target.remove(cookie.getName());
                    } else {
                        target.put(cookie.getName(), cookie.getValue());
                    }
                }
            }
            return response;
        }

        private static String origin(URI uri) {
            return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        }
    }
}
