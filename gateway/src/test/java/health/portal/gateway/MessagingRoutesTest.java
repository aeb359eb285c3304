package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/messages/**} and {@code /api/questionnaires/**} go to messaging-service with the caller's own token
 * (browser session or app), behind the same rules as every route: sign-in, current terms, rate limits, security
 * headers, and their own body limit of 5 MiB (three 1 MB attachments in base64). A patient id in the URL is never
 * passed on: the service knows the patient from the token only.
 */
class MessagingRoutesTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final int FIVE_MIB = 5 * 1024 * 1024;

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void anAppReachesMessagingWithItsOwnTokenAndGetsTheEdgesHeaders() {
        String token = mobileToken(patient("msg-app"));
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> recipients = send(
                client(),
                request("/api/messages/recipients", "198.51.100.90")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", marker)
                        .GET()
                        .build());
        assertThat(recipients.statusCode()).as(recipients.body()).isEqualTo(200);
        assertThat(recipients.body()).contains("Dr. Avery Morgan").contains("emergencyNotice");
        assertThat(seen(marker).authorization()).isEqualTo("Bearer " + token);
        assertThat(seen(marker).path()).isEqualTo("/api/messages/recipients");
        // the stand-in's own caching, server name and cookie never reach the app
        assertSecurityHeaders(recipients);

        HttpResponse<String> assignments = get("/api/questionnaires", token);
        assertThat(assignments.statusCode()).isEqualTo(200);
        assertThat(assignments.body()).contains("How was your visit?");
        assertSecurityHeaders(assignments);
    }

    @Test
    void aBrowserSessionsTokenIsRelayedAndItsChangesNeedTheCsrfToken() throws Exception {
        TestUser user = patient("msg-browser");
        PortalBrowser browser = portalBrowser();
        signIn(browser, user);
        String marker = UUID.randomUUID().toString();

        assertThat(browser.sendJson("GET", "/api/messages", Map.of("X-Test-Marker", marker), "")
                        .statusCode())
                .isEqualTo(200);
        String relayed = seen(marker).authorization();
        assertThat(relayed).startsWith("Bearer ");
        assertThat(SignedJWT.parse(relayed.substring("Bearer ".length()))
                        .getJWTClaimsSet()
                        .getSubject())
                .isEqualTo(user.userId());

        String message = JSON.writeValueAsString(Map.of(
                "recipient", "Practitioner/pcp-morgan",
                "category", "other",
                "subject", "Hello",
                "body", "A question",
                "concernsOnlyMe", true));
        String forged = UUID.randomUUID().toString();
        assertProblem(browser.sendJson("POST", "/api/messages", Map.of("X-Test-Marker", forged), message), 403);
        assertThat(MESSAGING.reached(forged))
                .as("a POST without the CSRF token")
                .isFalse();

        JsonNode csrf = JSON.readTree(browser.get("/auth/session").body()).path("csrf");
        Map<String, String> withCsrf =
                Map.of(csrf.path("headerName").asString(), csrf.path("token").asString());
        HttpResponse<String> sent = browser.sendJson("POST", "/api/messages", withCsrf, message);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        assertThat(JSON.readTree(sent.body()).path("assignedTo").path("name").asString())
                .isEqualTo("Dr. Avery Morgan");
        HttpResponse<String> preference =
                browser.sendJson("PUT", "/api/questionnaires/preferences", withCsrf, "{\"surveys\":false}");
        assertThat(preference.statusCode()).as(preference.body()).isEqualTo(200);
        assertThat(preference.body()).contains("\"surveys\":false");
    }

    @Test
    void withoutASessionOrATokenNothingReachesMessaging() {
        String marker = UUID.randomUUID().toString();
        for (String path : new String[] {"/api/messages", "/api/messages/thr-1", "/api/questionnaires"}) {
            HttpResponse<String> refused = send(
                    client(),
                    request(path, "198.51.100.91")
                            .header("X-Test-Marker", marker)
                            .GET()
                            .build());
            assertProblem(refused, 401);
            assertSecurityHeaders(refused);
        }
        HttpResponse<String> post = send(
                client(),
                request("/api/questionnaires/asg-survey/response", "198.51.100.91")
                        .header("X-Test-Marker", marker)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"answers\":[]}"))
                        .build());
        assertProblem(post, 401);
        assertThat(MESSAGING.reached(marker)).isFalse();
    }

    @Test
    void aPatientWithoutTheCurrentTermsIsRefusedBeforeMessaging() {
        String token = mobileToken(patientWithoutTerms("msg-terms"));
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> list = send(
                client(),
                request("/api/messages", "198.51.100.92")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", marker)
                        .GET()
                        .build());
        assertProblem(list, 403);
        assertThat(list.body()).contains("terms-acceptance-required").contains(TERMS_VERSION);
        HttpResponse<String> preference = send(
                client(),
                request("/api/questionnaires/preferences", "198.51.100.92")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", marker)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"surveys\":false}"))
                        .build());
        assertProblem(preference, 403);
        assertThat(MESSAGING.reached(marker)).isFalse();
    }

    @Test
    void bodiesUpTo5MebibytesPassAndLargerOnesAreRefusedAtTheEdge() {
        String token = mobileToken(patient("msg-size"));
        // over the 64 KiB default, within the messaging limit: it arrives whole
        String passes = UUID.randomUUID().toString();
        HttpResponse<String> large = post("/api/messages", token, passes, json(FIVE_MIB - 1024));
        assertThat(large.statusCode()).as(large.body()).isNotEqualTo(413);
        assertThat(seen(passes).bodyLength()).isEqualTo(FIVE_MIB - 1024);

        String refused = UUID.randomUUID().toString();
        HttpResponse<String> tooLarge = post("/api/messages", token, refused, json(FIVE_MIB + 1));
        assertProblem(tooLarge, 413);
        assertThat(tooLarge.body()).contains("request-too-large").contains("5 MiB");
        assertSecurityHeaders(tooLarge);

        // streamed without a length, past the limit
        HttpResponse<String> streamed = send(
                client(),
                request("/api/questionnaires/asg-survey/response", "198.51.100.93")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", refused)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
                                new ByteArrayInputStream(json(FIVE_MIB + 4096).getBytes(StandardCharsets.UTF_8))))
                        .build());
        assertProblem(streamed, 413);
        assertThat(MESSAGING.reached(refused)).isFalse();
    }

    @Test
    void aPatientIdInTheUrlIsNeverPassedOnAndStaffRoutesAreNotPublic() {
        TestUser alice = patient("msg-alice");
        String bob = mobileToken(patient("msg-bob"));
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> response = send(
                client(),
                request(
                                "/api/messages?patientId=" + alice.patientId() + "&patient_id=" + alice.patientId()
                                        + "&patient=" + alice.patientId() + "&page=2",
                                "198.51.100.94")
                        .header("Authorization", "Bearer " + bob)
                        .header("X-Test-Marker", marker)
                        .GET()
                        .build());
        assertThat(response.statusCode()).isEqualTo(200);
        MessagingStandIn.Seen relayed = seen(marker);
        assertThat(relayed.query()).isEqualTo("page=2");
        assertThat(relayed.authorization()).isEqualTo("Bearer " + bob);

        // the staff API (which takes a patientId) is never routed from the public side
        String staff = UUID.randomUUID().toString();
        assertThat(send(
                                client(),
                                request("/internal/staff/messages/queue", "198.51.100.94")
                                        .header("Authorization", "Bearer " + bob)
                                        .header("X-Test-Marker", staff)
                                        .GET()
                                        .build())
                        .statusCode())
                .isEqualTo(404);
        assertThat(post("/internal/staff/messages", bob, staff, "{\"patientId\":\"" + alice.patientId() + "\"}")
                        .statusCode())
                .isIn(403, 404);
        assertThat(MESSAGING.reached(staff)).isFalse();
    }

    @Test
    void messagingCountsAgainstTheUsersRateLimit() {
        String token = mobileToken(patient("msg-rate"));
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> last = null;
        // two windows at most, in case the first one ends while the loop runs
        for (int i = 0; i < 2 * USER_LIMIT + 2; i++) {
            last = send(
                    client(),
                    request("/api/questionnaires", "198.51.100." + (100 + i % 50))
                            .header("Authorization", "Bearer " + token)
                            .header("X-Test-Marker", marker)
                            .GET()
                            .build());
            if (last.statusCode() == 429) {
                break;
            }
        }
        assertProblem(last, 429);
        assertThat(header(last, "Retry-After")).isNotBlank();
        assertSecurityHeaders(last);
        assertThat(MESSAGING.seen.stream()
                        .filter(s -> marker.equals(s.marker()))
                        .count())
                .isLessThanOrEqualTo(2L * USER_LIMIT);
    }

    private HttpResponse<String> post(String path, String token, String marker, String json) {
        return send(
                client(),
                request(path, "198.51.100.95")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", marker)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    private static MessagingStandIn.Seen seen(String marker) {
        return MESSAGING.seen.stream()
                .filter(s -> marker.equals(s.marker()))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("nothing with marker " + marker + " reached messaging"));
    }

    /** A JSON document of exactly that many bytes. */
    private static String json(int bytes) {
        String start = "{\"subject\":\"";
        String end = "\"}";
        return start + "A".repeat(bytes - start.length() - end.length()) + end;
    }

    private void signIn(PortalBrowser browser, TestUser user) {
        HttpResponse<String> afterLogin = browser.signIn(user.username(), user.password());
        assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
        HttpResponse<String> landed = browser.follow(header(afterLogin, "Location"));
        assertThat(landed.statusCode()).as(landed.body()).isEqualTo(302);
    }
}
