package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import health.portal.infra.keycloak.BrowserSignIn;
import org.junit.jupiter.api.AfterEach;
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
 * Every data route refuses a patient whose token lacks the current terms (403 {@code terms-acceptance-required}
 * naming the version), for apps (bearer) and browsers (session) alike, on the gateway's own records API and on what
 * it relays; what a patient needs to read and accept the terms stays open. After the acceptance a browser carries on
 * without a new sign-in (the gateway refreshes the session's tokens) and an app with a refreshed token.
 *
 * <p>The identity stand-in does identity-service's part of an acceptance: it sets the Keycloak attribute
 * {@code terms_version} of the relayed token's user, as identity-service does after recording it.
 */
class TermsAcceptanceTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);

    @BeforeEach
    void identityServiceSetsTheAttribute() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        IDENTITY.onAcceptance = token -> {
            try {
                String userId = SignedJWT.parse(token).getJWTClaimsSet().getSubject();
                KeycloakAdmin.setUserAttribute(KEYCLOAK, userId, "terms_version", TERMS_VERSION);
            } catch (java.text.ParseException ex) {
                throw new IllegalStateException(ex);
            }
        };
    }

    @AfterEach
    void noMoreAcceptances() {
        IDENTITY.onAcceptance = token -> {};
    }

    private static void assertTermsRequired(HttpResponse<String> response, String version) {
        assertProblem(response, 403);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asString())
                .isEqualTo("https://portal.health/problems/terms-acceptance-required");
        assertThat(problem.path("currentVersion").asString()).isEqualTo(version);
        assertThat(problem.path("acceptAt").asString()).isEqualTo("/api/me/terms-acceptance");
        assertThat(problem.path("detail").asString()).contains(version).contains("refreshes its access token");
    }

    private HttpResponse<String> post(String path, String bearer, String json) {
        return send(
                client(),
                request(path, "198.51.100.41")
                        .header("Authorization", "Bearer " + bearer)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    /** The app's refresh-token grant (public client). */
    private static String refreshedMobileToken(String refreshToken) {
        HttpResponse<String> response =
                BrowserSignIn.refresh(KEYCLOAK.issuerUri(), "portal-mobile", null, refreshToken);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("access_token").asString();
    }

    @Test
    void anAppWithoutTheCurrentTermsGetsNoDataUntilItsRefreshedTokenCarriesThem() throws Exception {
        TestUser user = patientWithoutTerms("terms-app");
        BrowserSignIn.Tokens tokens = BrowserSignIn.signIn(
                KEYCLOAK, "portal-mobile", null, "http://127.0.0.1/callback", user.username(), user.password());
        String token = tokens.accessToken();
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getClaim("terms_version"))
                .isNull();

        // the records API, relayed patient routes, and a route nobody has exempted
        assertTermsRequired(get("/api/records/summary", token), TERMS_VERSION);
        assertTermsRequired(get("/api/records/documents/d1", token), TERMS_VERSION);
        assertTermsRequired(get("/api/me/access-log", token), TERMS_VERSION);
        assertTermsRequired(get("/api/me/anything-new", token), TERMS_VERSION);
        assertTermsRequired(post("/api/me/preferences", token, "{}"), TERMS_VERSION);
        RECORDS.lastPatientId.set(null);
        assertTermsRequired(get("/api/records/labs", token), TERMS_VERSION);
        assertThat(RECORDS.lastPatientId.get())
                .as("records-service never asked")
                .isNull();

        // what the patient needs to see and accept the terms
        assertThat(get("/api/me", token).statusCode()).isEqualTo(200);
        assertThat(get("/api/terms/current", token).statusCode()).isEqualTo(200);
        HttpResponse<String> accepted =
                post("/api/me/terms-acceptance", token, "{\"version\":\"" + TERMS_VERSION + "\"}");
        assertThat(accepted.statusCode()).isEqualTo(200);

        // the old token still says nothing was accepted; the refreshed one carries the acceptance
        assertTermsRequired(get("/api/records/summary", token), TERMS_VERSION);
        String refreshed = refreshedMobileToken(tokens.refreshToken());
        assertThat(SignedJWT.parse(refreshed).getJWTClaimsSet().getStringClaim("terms_version"))
                .isEqualTo(TERMS_VERSION);
        assertThat(get("/api/records/summary", refreshed).statusCode()).isEqualTo(200);
        assertThat(RECORDS.lastPatientId.get()).isEqualTo(user.patientId());
        assertThat(get("/api/me/access-log", refreshed).statusCode()).isEqualTo(200);
    }

    @Test
    void anOlderAcceptanceIsNotTheCurrentOne() {
        TestUser user = patientWithoutTerms("terms-older");
        KeycloakAdmin.setUserAttribute(KEYCLOAK, user.userId(), "terms_version", "gw-terms-0");
        String token = mobileToken(user);
        assertTermsRequired(get("/api/records/summary", token), TERMS_VERSION);
    }

    @Test
    void whatRecordsServiceRefusesForTheTermsIsTheSameProblem() {
        // records-service may already know a version the gateway has not read yet
        String token = mobileToken(patient("terms-records"));
        assertTermsRequired(get("/api/records/documents/terms-newer", token), "gw-terms-newer");
    }

    @Test
    void aBrowserCarriesOnAfterAcceptingWithoutSigningInAgain() {
        TestUser user = patientWithoutTerms("terms-browser");
        Browser browser = new Browser();
        browser.signIn(user);

        assertTermsRequired(browser.get("/api/records/summary"), TERMS_VERSION);
        assertTermsRequired(browser.get("/api/me/access-log"), TERMS_VERSION);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
        assertThat(browser.get("/").statusCode()).isEqualTo(200);

        JsonNode csrf = JSON.readTree(browser.get("/auth/session").body()).path("csrf");
        HttpResponse<String> accepted = browser.post(
                "/api/me/terms-acceptance",
                Map.of(csrf.path("headerName").asString(), csrf.path("token").asString()));
        assertThat(accepted.statusCode()).isEqualTo(200);

        HttpResponse<String> summary = browser.get("/api/records/summary");
        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        assertThat(RECORDS.lastPatientId.get()).isEqualTo(user.patientId());
        assertThat(browser.get("/api/me/access-log").statusCode()).isEqualTo(200);
    }

    /** A cookie-keeping browser, as in BrowserSessionTest: cookies per origin, whatever their attributes. */
    final class Browser {

        private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();
        private final HttpClient http = HttpClient.newBuilder()
                .sslContext(sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();

        void signIn(TestUser user) {
            HttpResponse<String> start = get("/oauth2/authorization/keycloak");
            assertThat(start.statusCode()).isEqualTo(302);
            HttpResponse<String> loginPage = exchange(HttpRequest.newBuilder(URI.create(header(start, "Location")))
                    .GET());
            Matcher action = FORM_ACTION.matcher(loginPage.body());
            assertThat(action.find()).as(loginPage.body()).isTrue();
            HttpResponse<String> afterLogin =
                    exchange(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(BrowserSignIn.form(Map.of(
                                    "username", user.username(), "password", user.password(), "credentialId", "")))));
            assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
            HttpResponse<String> landed = exchange(HttpRequest.newBuilder(URI.create(header(afterLogin, "Location")))
                    .GET());
            assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
        }

        HttpResponse<String> get(String path) {
            return exchange(request(path, "198.51.100.42").GET());
        }

        HttpResponse<String> post(String path, Map<String, String> headers) {
            HttpRequest.Builder request = request(path, "198.51.100.42")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"version\":\"" + TERMS_VERSION + "\"}"));
            headers.forEach(request::header);
            return exchange(request);
        }

        private HttpResponse<String> exchange(HttpRequest.Builder builder) {
            URI uri = builder.copy().build().uri();
            String origin = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
            Map<String, String> jar = cookies.computeIfAbsent(origin, o -> new ConcurrentHashMap<>());
            if (!jar.isEmpty()) {
                List<String> pairs = new ArrayList<>();
                jar.forEach((name, value) -> pairs.add(name + "=" + value));
                builder.header("Cookie", String.join("; ", pairs));
            }
            HttpResponse<String> response = send(http, builder.build());
            for (String setCookie : response.headers().allValues("Set-Cookie")) {
                for (HttpCookie cookie : HttpCookie.parse(setCookie)) {
                    if (cookie.getMaxAge() == 0 || cookie.getValue().isEmpty()) {
                        jar.remove(cookie.getName());
                    } else {
                        jar.put(cookie.getName(), cookie.getValue());
                    }
                }
            }
            return response;
        }
    }
}
