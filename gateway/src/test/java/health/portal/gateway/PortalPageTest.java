package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The patient web page at {@code /}: public, with the emergency notice and the sign-in entry point, its files served
 * with the right types and every security header, and written so that the strict CSP lets it run (no inline code).
 */
class PortalPageTest extends GatewayTestBase {

    private static final Pattern LOCAL_REFERENCE = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"");

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "/portal/portal.js", "text/javascript",
            "/portal/portal-messages.js", "text/javascript",
            "/portal/portal-questionnaires.js", "text/javascript",
            "/portal/portal-billing.js", "text/javascript",
            "/portal/portal-appointments.js", "text/javascript",
            "/portal/portal-results.js", "text/javascript",
            "/portal/portal-visits.js", "text/javascript",
            "/portal/portal-documents.js", "text/javascript",
            "/portal/portal.css", "text/css",
            "/favicon.ico", "image/x-icon");

    @Test
    void theSignedOutPageWarnsItIsNotForEmergenciesAndOffersSignIn() {
        HttpResponse<String> page = browserGet("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(header(page, "Content-Type")).isEqualToIgnoringCase("text/html;charset=UTF-8");
        assertSecurityHeaders(page);
        assertThat(page.body())
                .contains("<h1>Patient Portal</h1>")
                .contains("In a medical emergency call 9-1-1 or go to the nearest emergency room; "
                        + "messages are for non-urgent matters.")
                .containsPattern("<a id=\"sign-in\"[^>]*href=\"/oauth2/authorization/keycloak\"[^>]*>Sign in</a>")
                .contains(">Terms of use</a>")
                .contains("href=\"/api/records/export\"")
                .contains("Download my record (FHIR JSON)")
                .contains(">Sign out</button>");
        // the CSP (script-src 'self'; style-src 'self') would block inline code: there must be none
        assertThat(page.body())
                .doesNotContainPattern("<script(?![^>]*\\ssrc=)")
                .doesNotContainPattern("\\sstyle=")
                .doesNotContain("<style")
                .doesNotContainPattern("\\son[a-z]+=")
                .doesNotContain("http://")
                .doesNotContain("https://");
        // the sign-in entry point really starts the sign-in
        HttpResponse<String> signIn = send(
                client(),
                request("/oauth2/authorization/keycloak", "198.51.100.40").GET().build());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(header(signIn, "Location")).startsWith(KEYCLOAK.issuerUri());
    }

    @Test
    void everyFileThePageReferencesIsServedWithItsTypeAndTheHeaders() {
        String html = browserGet("/").body();
        Set<String> files = new LinkedHashSet<>();
        Matcher reference = LOCAL_REFERENCE.matcher(html);
        while (reference.find()) {
            String path = reference.group(1);
            if (path.startsWith("/portal/") || path.startsWith("/favicon")) {
                files.add(path);
            }
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(CONTENT_TYPES.keySet());
        for (String file : files) {
            HttpResponse<String> response = browserGet(file);
            assertThat(response.statusCode()).as(file).isEqualTo(200);
            assertThat(header(response, "Content-Type")).as(file).startsWith(CONTENT_TYPES.get(file));
            assertThat(response.body()).as(file).isNotEmpty();
            assertSecurityHeaders(response);
        }
    }

    @Test
    void theScriptsRenderDataAsTextAndStoreNothingInTheBrowser() {
        String script = browserGet("/portal/portal.js").body();
        assertThat(script)
                .contains("textContent")
                .contains("credentials: 'same-origin'")
                .contains("'/auth/session'")
                .contains("'/api/me'")
                .contains("'/api/records/summary'")
                .contains("'/api/me/terms-acceptance'")
                .contains("'/logout'")
                .contains("csrf.headerName")
                .contains("temporarily unavailable");
        assertThat(browserGet("/portal/portal-messages.js").body())
                .contains("'/api/messages'")
                .contains("'/api/messages/recipients'")
                .contains("textContent");
        assertThat(browserGet("/portal/portal-questionnaires.js").body())
                .contains("'/api/questionnaires'")
                .contains("'/api/questionnaires/preferences'");
        assertThat(browserGet("/portal/portal-billing.js").body())
                .contains("'/api/billing/summary'")
                .contains("'/api/billing/paperless'");
        assertThat(browserGet("/portal/portal-appointments.js").body())
                .contains("'/api/records/appointments'")
                .contains("telemedicineNotice");
        assertThat(browserGet("/portal/portal-results.js").body()).contains("'/api/records/labs'");
        assertThat(browserGet("/portal/portal-visits.js").body()).contains("'/api/records/visits'");
        assertThat(browserGet("/portal/portal-documents.js").body()).contains("'/api/records/documents'");
        for (String file : new String[] {
            "/portal/portal.js",
            "/portal/portal-messages.js",
            "/portal/portal-questionnaires.js",
            "/portal/portal-billing.js",
            "/portal/portal-appointments.js",
            "/portal/portal-results.js",
            "/portal/portal-visits.js",
            "/portal/portal-documents.js"
        }) {
            assertNothingRenderedAsMarkupOrStored(browserGet(file).body());
        }
    }

    private static void assertNothingRenderedAsMarkupOrStored(String script) {
        assertThat(script)
                .doesNotContain("innerHTML")
                .doesNotContain("outerHTML")
                .doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write")
                .doesNotContain("localStorage")
                .doesNotContain("sessionStorage")
                .doesNotContain("indexedDB")
                .doesNotContain("document.cookie")
                .doesNotContain("eval(");
    }

    @Test
    void signingOutWithoutASessionLandsOnThePortal() {
        HttpResponse<String> plain = send(
                client(),
                request("/logout", "198.51.100.41")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build());
        assertThat(plain.statusCode()).isEqualTo(302);
        assertThat(header(plain, "Location")).isEqualTo("/");
        assertSecurityHeaders(plain);
        // (the page asks for JSON; without a session the answer is this same redirect, which it treats as signed out)
    }

    /** As a browser navigates: asking for HTML first. */
    private HttpResponse<String> browserGet(String path) {
        return send(
                client(),
                request(path, "198.51.100.40")
                        .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                        .GET()
                        .build());
    }
}
