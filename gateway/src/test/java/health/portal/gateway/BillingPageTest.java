package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The Billing Summary area of the page in a real browser, through the gateway, against the billing stand-in (which
 * answers as {@code billing-service/API.md} says): accounts with balance and aging, statements with period, amount
 * due, due date and their PDF, and the seed's way back to paper: Billing Summary, View Account, Paperless Billing,
 * Update. Screenshots under {@code gateway/target/screenshots}.
 */
class BillingPageTest extends GatewayTestBase {

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void aPatientSeesTheirStatementsDownloadsOneAndSwitchesToPaperAndBack() throws IOException {
        TestUser user = patient("bill-page");
        String statementId = BillingStandIn.statementId(user.patientId());
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#billing:not([hidden])");
            page.waitForSelector("#billing-accounts .billing-account");
            page.waitForSelector("#billing-statements tr.statement");
            chromium.screenshot(page, "billing-summary");

            assertThat(page.textContent("#billing-accounts"))
                    .contains("Portal Health Hospital")
                    .contains("$" + BillingStandIn.AMOUNT_DUE)
                    .contains("31\u201360 days")
                    .contains("$80.10")
                    .contains("Over 90 days");
            String newest = page.textContent("#billing-statements tr[data-statement-id='" + statementId + "']");
            assertThat(newest)
                    .contains("2026-11-01")
                    .contains("2026-11-30")
                    .contains("$" + BillingStandIn.AMOUNT_DUE)
                    .contains("2026-12-25")
                    .contains("Paperless");
            assertThat(page.textContent("#billing-paperless-state")).startsWith("Paperless billing is on");

            Download download = page.waitForDownload(() -> page.click(
                    "#billing-statements tr[data-statement-id='" + statementId + "'] a:has-text('Download PDF')"));
            assertThat(download.failure()).isNull();
            assertThat(download.suggestedFilename()).isEqualTo("statement-2026-11-30.pdf");
            assertThat(Files.readAllBytes(download.path())).isEqualTo(BillingStandIn.pdf(statementId));

            // the seed's path: View Account, Paperless Billing, Update
            page.click("#billing-accounts button:has-text('View Account')");
            page.waitForSelector("#billing-account-area:not([hidden])");
            assertThat(page.isVisible("#billing-summary-area")).isFalse();
            assertThat(page.textContent("#billing-account-balance")).contains("$" + BillingStandIn.AMOUNT_DUE);
            assertThat(page.locator("#billing-account-statements tr.statement").count())
                    .isEqualTo(2);
            assertThat(page.isVisible("#billing-paperless-form")).isFalse();
            page.click("#billing-paperless-open");
            page.waitForSelector("#billing-paperless-form:not([hidden])");
            assertThat(page.isChecked("#billing-paperless-on")).isTrue();
            page.check("#billing-paperless-off");
            chromium.screenshot(page, "billing-paperless-choice");
            page.click("#billing-paperless-update");
            page.waitForSelector("#billing-status:has-text('Paperless billing is off')");
            assertThat(BILLING.paperlessOf(user.patientId())).isFalse();
            assertThat(page.textContent("#billing-account-paperless-state")).contains("mailed to you");
            chromium.screenshot(page, "billing-paper-by-mail");

            page.reload();
            page.waitForSelector("#billing-paperless-state:has-text('Paperless billing is off')");
            page.click("#billing-accounts button:has-text('View Account')");
            page.click("#billing-paperless-open");
            assertThat(page.isChecked("#billing-paperless-off"))
                    .as("the choice was saved")
                    .isTrue();
            page.check("#billing-paperless-on");
            page.click("#billing-paperless-update");
            page.waitForSelector("#billing-status:has-text('Paperless billing is on')");
            assertThat(BILLING.paperlessOf(user.patientId())).isTrue();
            page.click("#billing-account-back");
            page.waitForSelector("#billing-summary-area:not([hidden])");
            assertThat(page.textContent("#billing-paperless-state")).startsWith("Paperless billing is on");
        }
    }
}
