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

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/billing/**} goes to billing-service with the caller's own token, behind the rules of every route:
 * sign-in, current terms, the edge's headers, and its own body limit (1 KiB: only the paperless switch). The statement
 * PDF passes through byte for byte with its Content-Disposition and the edge's no-store; the client address reaches
 * billing (the preference change records where it came from); billing's internal routes are not public.
 */
class BillingRoutesTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void anAppReadsItsBillingSummaryWithItsOwnTokenAndGetsTheEdgesHeaders() {
        TestUser user = patient("bill-app");
        String token = mobileToken(user);
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> summary = send(
                client(),
                request("/api/billing/summary", "198.51.100.120")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", marker)
                        .GET()
                        .build());
        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(summary.body());
        assertThat(body.path("accounts").path(0).path("balance").path("amount").asString())
                .isEqualTo(BillingStandIn.AMOUNT_DUE);
        assertThat(body.path("statements").path(0).path("statementId").asString())
                .isEqualTo(BillingStandIn.statementId(user.patientId()));
        assertThat(BILLING.seen(marker).authorization()).isEqualTo("Bearer " + token);
        assertSecurityHeaders(summary);
        assertThat(header(summary, "Set-Cookie")).isNull();
    }

    @Test
    void theStatementPdfPassesThroughUnchangedAsAnAttachmentThatIsNeverCached() {
        TestUser user = patient("bill-pdf");
        String token = mobileToken(user);
        String statement = BillingStandIn.statementId(user.patientId());
        HttpResponse<byte[]> first = pdf(token, statement);
        HttpResponse<byte[]> second = pdf(token, statement);
        for (HttpResponse<byte[]> response : java.util.List.of(first, second)) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(header(response, "Content-Type")).isEqualTo("application/pdf");
            assertThat(header(response, "Content-Disposition"))
                    .isEqualTo("attachment; filename=\"statement-2026-11-30.pdf\"");
            assertSecurityHeaders(response);
            assertThat(response.body()).isEqualTo(BillingStandIn.pdf(statement));
        }
        assertThat(first.body()).isEqualTo(second.body());
    }

    @Test
    void anotherPatientsStatementIsNotFound() {
        TestUser alice = patient("bill-alice");
        String bob = mobileToken(patient("bill-bob"));
        HttpResponse<byte[]> refused = pdf(bob, BillingStandIn.statementId(alice.patientId()));
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(header(refused, "Content-Type")).startsWith("application/problem+json");
        assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("https://portal.health/problems/not-found");
        // nor does a patient id in the query make the service look at someone else
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> summary = send(
                client(),
                request(
                                "/api/billing/summary?patientId=" + alice.patientId() + "&patient=" + alice.patientId(),
                                "198.51.100.121")
                        .header("Authorization", "Bearer " + bob)
                        .header("X-Test-Marker", marker)
                        .GET()
                        .build());
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).doesNotContain(alice.patientId());
        assertThat(BILLING.seen(marker).query()).isNull();
    }

    @Test
    void aBrowserChangesPaperlessWithTheCsrfTokenAndBillingLearnsTheClientAddress() throws Exception {
        TestUser user = patient("bill-browser");
        PortalBrowser browser = portalBrowser();
        HttpResponse<String> afterLogin = browser.signIn(user.username(), user.password());
        assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
        assertThat(browser.follow(header(afterLogin, "Location")).statusCode()).isEqualTo(302);

        String forged = UUID.randomUUID().toString();
        assertProblem(
                browser.sendJson(
                        "PUT", "/api/billing/paperless", Map.of("X-Test-Marker", forged), "{\"paperless\":false}"),
                403);
        assertThat(BILLING.reached(forged)).as("a PUT without the CSRF token").isFalse();
        assertThat(BILLING.paperlessOf(user.patientId())).isTrue();

        JsonNode csrf = JSON.readTree(browser.get("/auth/session").body()).path("csrf");
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> changed = browser.sendJson(
                "PUT",
                "/api/billing/paperless",
                Map.of(csrf.path("headerName").asString(), csrf.path("token").asString(), "X-Test-Marker", marker),
                "{\"paperless\":false}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(JSON.readTree(changed.body()).path("paperless").asBoolean()).isFalse();
        assertThat(BILLING.paperlessOf(user.patientId())).isFalse();
        BillingStandIn.Seen relayed = BILLING.seen(marker);
        assertThat(SignedJWT.parse(relayed.authorization().substring("Bearer ".length()))
                        .getJWTClaimsSet()
                        .getSubject())
                .isEqualTo(user.userId());
        // "from where": the gateway passes on the client address it determined (billing records it with the change)
        assertThat(relayed.forwardedFor()).isEqualTo(PortalBrowser.CLIENT_ADDRESS);
    }

    @Test
    void withoutASessionATokenOrTheCurrentTermsNothingReachesBilling() {
        String marker = UUID.randomUUID().toString();
        for (String path : new String[] {"/api/billing", "/api/billing/summary", "/api/billing/statements/x/pdf"}) {
            HttpResponse<String> refused = send(
                    client(),
                    request(path, "198.51.100.122")
                            .header("X-Test-Marker", marker)
                            .GET()
                            .build());
            assertProblem(refused, 401);
            assertSecurityHeaders(refused);
        }
        String withoutTerms = mobileToken(patientWithoutTerms("bill-terms"));
        HttpResponse<String> summary = send(
                client(),
                request("/api/billing/summary", "198.51.100.122")
                        .header("Authorization", "Bearer " + withoutTerms)
                        .header("X-Test-Marker", marker)
                        .GET()
                        .build());
        assertProblem(summary, 403);
        assertThat(summary.body()).contains("terms-acceptance-required").contains(TERMS_VERSION);
        HttpResponse<String> change = put("/api/billing/paperless", withoutTerms, marker, "{\"paperless\":false}");
        assertProblem(change, 403);
        assertThat(BILLING.reached(marker)).isFalse();
    }

    @Test
    void bodiesOverOneKibibyteAreRefusedAtTheEdgeAndTheInternalRoutesAreNotPublic() {
        String token = mobileToken(patient("bill-size"));
        String passes = UUID.randomUUID().toString();
        String small = "{\"paperless\":true,\"pad\":\"" + "a".repeat(900) + "\"}";
        assertThat(put("/api/billing/paperless", token, passes, small).statusCode())
                .isEqualTo(200);
        assertThat(BILLING.reached(passes)).isTrue();

        String refused = UUID.randomUUID().toString();
        String large = "{\"paperless\":true,\"pad\":\"" + "a".repeat(2048) + "\"}";
        HttpResponse<String> tooLarge = put("/api/billing/paperless", token, refused, large);
        assertProblem(tooLarge, 413);
        assertThat(tooLarge.body()).contains("request-too-large");
        assertSecurityHeaders(tooLarge);

        // staff and billing-system routes are for the internal network only
        for (String path : new String[] {
            "/internal/staff/billing/statement-runs", "/internal/billing/postings", "/internal/staff/billing/accounts/a"
        }) {
            HttpResponse<String> answer = send(
                    client(),
                    request(path, "198.51.100.123")
                            .header("Authorization", "Bearer " + token)
                            .header("X-Test-Marker", refused)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build());
            assertThat(answer.statusCode()).as(path).isIn(403, 404);
        }
        assertThat(BILLING.reached(refused)).isFalse();
    }

    private HttpResponse<byte[]> pdf(String token, String statementId) {
        try {
            return client().send(
                            request("/api/billing/statements/" + statementId + "/pdf", "198.51.100.124")
                                    .header("Authorization", "Bearer " + token)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private HttpResponse<String> put(String path, String token, String marker, String json) {
        return send(
                client(),
                request(path, "198.51.100.125")
                        .header("Authorization", "Bearer " + token)
                        .header("X-Test-Marker", marker)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }
}
