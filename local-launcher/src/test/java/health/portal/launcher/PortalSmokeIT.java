package health.portal.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The whole portal as the launcher runs it (every service its own process, real Keycloak, Kafka, PostgreSQL, Redis,
 * the FHIR sandbox), driven from outside like a patient's phone: sign in through Keycloak's login form, then call the
 * gateway over HTTPS.
 */
class PortalSmokeIT {

    static LocalPortal stack;
    static BrowserSignIn.Tokens demoTokens;

    @BeforeAll
    static void startPortal() {
        stack = LocalPortal.start(PortPlan.free(), Path.of("target", "e2e-logs"), 10);
        DemoPatient.Credentials demo = DemoPatient.enroll(stack);
        demoTokens = BrowserSignIn.signIn(
                stack.keycloak(), "portal-mobile", null, "http://127.0.0.1/callback", demo.username(), demo.password());
    }

    @AfterAll
    static void stopPortal() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void gatewayAnswersHealthOverHttps() throws Exception {
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        assertNoStore(health);
    }

    @Test
    void signedInDemoPatientSeesTheirIdentityFromIdentityService() throws Exception {
        HttpResponse<String> me = get("/api/me", demoTokens.accessToken());

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"" + DemoPatient.PATIENT_ID + "\"").contains(DemoPatient.USERNAME);
        assertNoStore(me);
    }

    @Test
    void withoutATokenTheAnswerIs401AndIsNotCached() throws Exception {
        HttpResponse<String> me = get("/api/me", null);

        assertThat(me.statusCode()).isEqualTo(401);
        assertNoStore(me);
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        String[] parts = demoTokens.accessToken().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        HttpResponse<String> me = get("/api/me", forged);

        assertThat(me.statusCode()).isEqualTo(401);
        assertNoStore(me);
    }

    @Test
    void demoPatientReadsTheirHealthSummaryFromTheEmrThroughTheInnerZone() throws Exception {
        HttpResponse<String> summary = get("/api/records/summary", demoTokens.accessToken());

        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).contains("Rivera");
        assertNoStore(summary);
    }

    private static void assertNoStore(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return LocalPortal.insecureLocalClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
