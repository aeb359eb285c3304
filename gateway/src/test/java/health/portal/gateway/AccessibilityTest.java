package health.portal.gateway;

import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The portal page checked by axe-core (Deque's rules engine, the one accessibility audits run) in a real browser,
 * against WCAG 2.1 A and AA: signed out, Keycloak's sign-in page (the realm's theme), signed in with every area filled
 * from the stand-ins, and with what a patient opens next (the message form, a thread, a lesson, a billing account and
 * its paperless choice).
 */
class AccessibilityTest extends GatewayTestBase {

    private static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    @Test
    void axeFindsNoWcagViolationOnThePortalPage() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        TestUser user = patient("accessibility");
        try (Chromium chromium = Chromium.launch()) {
            Page signedOut = computer(chromium).newPage();
            signedOut.navigate("https://localhost:" + port + "/");
            signedOut.waitForSelector("#sign-in");
            assertNoViolations(signedOut, "signed out");
            signedOut.click("#sign-in");
            signedOut.waitForSelector("#username");
            assertNoViolations(signedOut, "Keycloak's sign-in page");

            Page page = signedIn(chromium, user, "#billing:not([hidden])");
            page.waitForSelector("#summary-lists:not([hidden])");
            page.waitForSelector("#lab-report-list .lab-report");
            page.waitForSelector("#appointment-list .appointment");
            page.waitForSelector("#visit-list .visit");
            page.waitForSelector("#document-list .document");
            page.waitForSelector("#thread-list .thread");
            page.waitForSelector("#assignment-list .assignment");
            page.waitForSelector("#billing-statements tr.statement");
            assertNoViolations(page, "signed in");

            page.click("#compose-open");
            page.waitForSelector("#compose-area:not([hidden])");
            assertNoViolations(page, "the message form open");
            page.click("#compose-cancel");

            page.click("#thread-list button:has-text('Your flu shot')");
            page.waitForSelector("#thread-messages .message");
            assertNoViolations(page, "a thread open");

            page.click("button[data-assignment-id='asg-lesson']");
            page.waitForSelector("#assignment-area:not([hidden])");
            assertNoViolations(page, "a lesson open");

            page.click("#billing-accounts button:has-text('View Account')");
            page.waitForSelector("#billing-account-area:not([hidden])");
            page.click("#billing-paperless-open");
            page.waitForSelector("#billing-paperless-form:not([hidden])");
            assertNoViolations(page, "a billing account and its paperless choice open");
        }
    }

    private static void assertNoViolations(Page page, String state) {
        List<Rule> violations =
                new AxeBuilder(page).withTags(WCAG_21_AA).analyze().getViolations();
        assertThat(violations).as(state + ": " + describe(violations)).isEmpty();
    }

    private static String describe(List<Rule> violations) {
        return violations.stream()
                .map(rule -> rule.getId() + " (" + rule.getImpact() + ", " + rule.getHelp() + ") at "
                        + rule.getNodes().stream()
                                .map(node -> String.valueOf(node.getTarget()))
                                .collect(joining(", ")))
                .collect(joining("; "));
    }
}
