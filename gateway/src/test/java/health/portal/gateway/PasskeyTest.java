package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Passkeys in a real browser: Chromium with a virtual platform authenticator (Chrome DevTools' WebAuthn domain) that
 * holds discoverable credentials and verifies its user, like Touch ID or a phone's screen lock. The patient sets one
 * up from the portal (Keycloak's passkey registration, warned who else can use it) and then signs in with it alone.
 * Keycloak runs on http://localhost, a secure context for WebAuthn, with relying party id localhost.
 */
class PasskeyTest extends GatewayTestBase {

    static final String WARNING =
            "Anyone enrolled in Touch ID or the screen lock of this device can sign in to your account";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void aPatientSetsUpAPasskeyFromThePortalAndSignsInWithItAlone() throws Exception {
        TestUser user = patient("passkey");
        String portal = "https://localhost:" + port;
        try (Chromium chromium = Chromium.launch()) {
            BrowserContext context = computer(chromium);
            Page page = context.newPage();
            // Keycloak's pages on a machine shared with other builds can take longer than Playwright's 30 s
            page.setDefaultTimeout(90_000);
            CDPSession devtools = context.newCDPSession(page);
            devtools.send("WebAuthn.enable");
            JsonObject options = new JsonObject();
            options.addProperty("protocol", "ctap2");
            options.addProperty("transport", "internal");
            options.addProperty("hasResidentKey", true);
            options.addProperty("hasUserVerification", true);
            options.addProperty("isUserVerified", true);
            options.addProperty("automaticPresenceSimulation", true);
            JsonObject authenticator = new JsonObject();
            authenticator.add("options", options);
            String authenticatorId = devtools.send("WebAuthn.addVirtualAuthenticator", authenticator)
                    .get("authenticatorId")
                    .getAsString();

            page.navigate(portal + "/oauth2/authorization/keycloak");
            page.fill("#username", user.username());
            page.fill("#password", user.password());
            page.click("#kc-login");
            page.waitForURL(portal + "/");

            // where the portal page's own link goes
            String setUp = page.getAttribute("#set-up-passkey", "href");
            assertThat(setUp).isEqualTo("/oauth2/authorization/keycloak?action=passkey");
            page.navigate(portal + setUp);
            // every authorization request carries prompt=login: the password again before the set-up
            page.waitForSelector("#password");
            assertThat(page.url()).startsWith(KEYCLOAK.issuerUri());
            page.fill("#password", user.password());
            page.click("#kc-login");
            try {
                page.waitForSelector("#registerWebAuthn");
            } finally {
                chromium.screenshot(page, "passkey-set-up-page");
            }
            assertThat(page.textContent("body")).contains(WARNING);
            chromium.screenshot(page, "passkey-set-up");
            List<String> prompts = new CopyOnWriteArrayList<>();
            page.onDialog(dialog -> {
                prompts.add(dialog.message());
                dialog.accept("Test phone");
            });
            page.click("#registerWebAuthn");
            page.waitForURL(portal + "/");
            // naming the passkey repeats the warning
            assertThat(prompts).singleElement().asString().contains(WARNING);

            JsonObject stored = new JsonObject();
            stored.addProperty("authenticatorId", authenticatorId);
            JsonArray onDevice =
                    devtools.send("WebAuthn.getCredentials", stored).getAsJsonArray("credentials");
            assertThat(onDevice).hasSize(1);
            assertThat(onDevice.get(0)
                            .getAsJsonObject()
                            .get("isResidentCredential")
                            .getAsBoolean())
                    .isTrue();
            JsonNode atKeycloak = credentials(user.userId());
            assertThat(atKeycloak.findValuesAsString("type")).contains("webauthn-passwordless");
            assertThat(atKeycloak.findValuesAsString("userLabel")).contains("Test phone");

            // signed out of both (no cookies left): the passkey alone, no user name or password typed. Keycloak's
            // sign-in page offers passkeys to the browser (conditional mediation); the virtual authenticator answers
            // at once, as a person picking the passkey and touching the sensor would
            context.clearCookies();
            assertThat(context.cookies()).isEmpty();
            page.navigate(portal + "/oauth2/authorization/keycloak");
            page.waitForURL(portal + "/");
            // the page shows whom it signed in, as a person sees it; only then does the test ask on its own: the
            // first request after a sign-in gets the session a new id, and a request racing it with the old id finds
            // no session (seen with Chromium 156.0.8078.114, the page's and the test's first calls at once)
            page.waitForSelector("#signed-in-as:has-text('Signed in')");
            chromium.screenshot(page, "passkey-signed-in");
            JsonNode session = JSON.readTree(
                    (String) page.evaluate("() => fetch('/auth/session').then(response => response.text())"));
            assertThat(session.path("authenticated").asBoolean())
                    .as(session.toString())
                    .isTrue();
            assertThat(session.path("subject").asString()).isEqualTo(user.userId());

            // the device without the passkey: the same page waits for a user name and password
            context.clearCookies();
            devtools.send("WebAuthn.clearCredentials", stored);
            page.navigate(portal + "/oauth2/authorization/keycloak");
            page.waitForSelector("#authenticateWebAuthnButton");
            page.waitForTimeout(3000);
            assertThat(page.url()).startsWith(KEYCLOAK.issuerUri());
            assertThat(page.isVisible("#password")).isTrue();
            chromium.screenshot(page, "passkey-sign-in-without-passkey");
        }
    }

    private static JsonNode credentials(String userId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        KEYCLOAK.baseUrl() + "/admin/realms/portal/users/" + userId + "/credentials"))
                                .header("Authorization", "Bearer " + KEYCLOAK.adminAccessToken())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
