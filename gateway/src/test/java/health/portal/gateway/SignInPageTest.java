package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Signing in from the page in a real browser. The page's first call, {@code /auth/session}, opens the gateway session
 * whose cookie the browser keeps; a sign-in started before that answer arrived had its own session (with the
 * authorization request in it) replaced by the answer's cookie, and Keycloak's redirect back ended in "Sign-in failed"
 * (authorization_request_not_found), as CI saw when a test clicked at once.
 */
class SignInPageTest extends GatewayTestBase {

    @Test
    void signInIsOfferedOnlyOnceThePageKnowsItsSession() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        TestUser user = patient("sign-in-page");
        try (Chromium chromium = Chromium.launch()) {
            Page page = computer(chromium).newPage();
            AtomicReference<Route> held = new AtomicReference<>();
            page.route("**/auth/session", held::set);
            page.navigate("https://localhost:" + port + "/");
            page.waitForCondition(() -> held.get() != null);
            assertThat(page.isVisible("#sign-in"))
                    .as("no sign-in to click while the session answer is on its way")
                    .isFalse();

            page.unroute("**/auth/session");
            held.get().resume();
            page.click("#sign-in");
            page.fill("#username", user.username());
            page.fill("#password", user.password());
            page.click("#kc-login");
            page.waitForURL("https://localhost:" + port + "/**");
            page.waitForSelector("#summary:not([hidden])");
            page.waitForSelector("#summary-lists:not([hidden])");
            assertThat(page.textContent("#summary-patient")).startsWith("For Ada Lovelace");
        }
    }
}
