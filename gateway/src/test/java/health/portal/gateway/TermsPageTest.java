package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.Test;

/**
 * The page in a real browser: when the gateway refuses the records for the terms, the page asks for the acceptance
 * instead of saying that no record is linked, even where {@code /api/me} reported no acceptance missing (the
 * identity stand-in reports no terms status at all, as when identity-service recorded an acceptance the sign-in
 * service did not take yet).
 */
class TermsPageTest extends GatewayTestBase {

    @Test
    void aPatientWithoutTheCurrentTermsIsAskedToAcceptThemOnThePage() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        TestUser user = patientWithoutTerms("terms-page");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#terms-required:not([hidden])");
            chromium.screenshot(page, "terms-required");
            assertThat(page.isVisible("#terms-required")).isTrue();
            assertThat(page.isVisible("#summary")).isFalse();
        }
    }
}
