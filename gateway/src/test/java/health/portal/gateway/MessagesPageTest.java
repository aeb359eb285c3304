package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.WaitForSelectorState;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The Messages and Questionnaires areas of the page in a real browser, through the gateway, against the messaging
 * stand-in (which answers as {@code messaging-service/API.md} says): the 9-1-1 notice above the form, the required
 * "only about me" confirmation, who has the message and by when, the emergency warning, bodies shown as text, and
 * surveys, lessons and the survey preference. Screenshots under {@code gateway/target/screenshots}.
 */
class MessagesPageTest extends GatewayTestBase {

    private static final String SCRIPT_BODY =
            "<script>window.pwned = true</script><b>bold?</b>\n" + "I have had chest pain since this morning.";

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void aPatientWritesToTheCareTeamAndReadsTheAnswerAsText() throws IOException {
        TestUser user = patient("msg-page");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#messages:not([hidden])");
            page.waitForSelector("#thread-list .thread");
            assertThat(page.textContent("#thread-list"))
                    .contains("Your flu shot")
                    .contains("Unread");

            page.click("#compose-open");
            page.waitForSelector(
                    "#compose-recipient option[value='Practitioner/np-lee']",
                    new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
            assertThat(page.isVisible("#compose-emergency")).isTrue();
            assertThat(page.textContent("#compose-emergency")).contains("9-1-1");
            // the notice stands above the form, not somewhere below it
            assertThat((Boolean) page.evaluate("() => document.getElementById('compose-emergency')"
                            + ".compareDocumentPosition(document.getElementById('compose'))"
                            + " === Node.DOCUMENT_POSITION_FOLLOWING"))
                    .isTrue();
            page.selectOption("#compose-recipient", "Practitioner/np-lee");
            assertThat(page.textContent("#compose-recipient-note"))
                    .contains("away")
                    .contains("Dr. Priya Shah");
            page.selectOption("#compose-category", "medical-question");
            page.fill("#compose-subject", "<i>Since this morning</i>");
            page.fill("#compose-body", SCRIPT_BODY);
            // more attachments than API.md allows are stopped on the page
            page.setInputFiles(
                    "#compose-attachments",
                    new FilePayload[] {note("a.txt"), note("b.txt"), note("c.txt"), note("d.txt")});
            page.check("#compose-only-me");
            long before = composePosts();
            page.click("#compose-send");
            page.waitForSelector("#compose-error:not([hidden])");
            assertThat(page.textContent("#compose-error")).contains("at most 3 files");
            assertThat(composePosts()).isEqualTo(before);
            page.uncheck("#compose-only-me");
            page.setInputFiles("#compose-attachments", note("my-readings.txt"));
            chromium.screenshot(page, "messages-compose");

            // without the confirmation nothing is sent
            long postsBefore = composePosts();
            page.click("#compose-send");
            assertThat((Boolean) page.evalOnSelector("#compose-only-me", "box => box.validity.valueMissing"))
                    .isTrue();
            page.waitForTimeout(500);
            assertThat(composePosts()).isEqualTo(postsBefore);
            assertThat(page.isVisible("#compose-result")).isFalse();

            page.check("#compose-only-me");
            page.click("#compose-send");
            page.waitForSelector("#compose-result:not([hidden])");
            chromium.screenshot(page, "messages-sent-with-warning");
            assertThat(composePosts()).isEqualTo(postsBefore + 1);
            assertThat(page.isVisible("#compose-warning")).isTrue();
            assertThat(page.textContent("#compose-warning")).isEqualTo(MessagingStandIn.EMERGENCY_WARNING);
            assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("compose-warning");
            assertThat(page.textContent("#compose-result-who"))
                    .isEqualTo("Dr. Priya Shah has your message, covering while Jordan Lee, NP is away.");
            assertThat(page.textContent("#compose-result-due"))
                    .startsWith("You can expect an answer by ")
                    .contains("call the office at (555) 010-0100");
            assertThat(page.textContent("#compose-result-notice")).isEqualTo(MessagingStandIn.EMERGENCY_NOTICE);

            page.click("#compose-result-close");
            page.click("#thread-list button:has-text('Since this morning')");
            page.waitForSelector("#thread-area:not([hidden])");
            chromium.screenshot(page, "messages-thread");
            assertThat(page.textContent("#thread-subject")).isEqualTo("<i>Since this morning</i>");
            assertThat(page.textContent("#thread-messages .message-body")).isEqualTo(SCRIPT_BODY);
            assertThat(page.locator("#thread-messages script, #thread-messages b, #thread-area i")
                            .count())
                    .as("the body and subject are text, not markup")
                    .isZero();
            assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
            // the attachment went with the message and comes back through the gateway as a download
            Download download =
                    page.waitForDownload(() -> page.click("#thread-messages a:has-text('my-readings.txt')"));
            assertThat(download.failure()).isNull();
            assertThat(Files.readString(download.path())).isEqualTo(NOTE);

            page.fill("#reply-body", "It is better now.");
            page.check("#reply-only-me");
            page.click("#reply-send");
            page.waitForSelector("#reply-status:not([hidden])");
            assertThat(page.textContent("#reply-status")).startsWith("Your reply was sent.");
            assertThat(page.locator("#thread-messages .message").count()).isEqualTo(2);

            page.click("#thread-unread");
            page.waitForSelector("#thread-list-area:not([hidden])");
            page.waitForSelector("#thread-list .thread.unread:has-text('Since this morning')");
            assertThat(page.textContent("#messages-status")).contains("marked as unread");
            chromium.screenshot(page, "messages-list-unread");
        }
    }

    @Test
    void aLinkInACareTeamMessageIsMarkedAsLeadingToAnotherSite() {
        TestUser user = patient("msg-links");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#messages:not([hidden])");
            page.click("#thread-list button:has-text('Your flu shot')");
            page.waitForSelector("#thread-messages .message");

            Locator link = page.locator("#thread-messages a.other-site");
            assertThat(link.count()).isEqualTo(1);
            assertThat(link.getAttribute("href")).isEqualTo("https://www.vaccines.gov/find-vaccines/");
            assertThat(link.textContent())
                    .isEqualTo("https://www.vaccines.gov/find-vaccines/ (another site, opens in a new tab)");
            assertThat(link.getAttribute("target")).isEqualTo("_blank");
            assertThat(link.getAttribute("rel")).contains("noopener").contains("noreferrer");
            assertThat(page.textContent("#thread-messages .other-sites-note"))
                    .isEqualTo("Links to other sites are provided as a convenience only. Those sites are not part of "
                            + "this portal, and we are not responsible for their content.");
            // the sentence keeps its full stop; what is no web address stays text
            assertThat(page.textContent("#thread-messages .message-body"))
                    .contains("(another site, opens in a new tab).\nNot a link: javascript:alert(1)");
            assertThat(page.locator("#thread-messages a:not(.other-site)").count())
                    .isZero();
            chromium.screenshot(page, "messages-link-to-another-site");
        }
    }

    @Test
    void aPatientAnswersASurveyFinishesALessonAndTurnsSurveysOff() {
        TestUser user = patient("msg-surveys");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#messages:not([hidden])");
            page.waitForSelector("#assignment-list .assignment");
            page.waitForSelector("#pref-surveys:not([disabled])");
            assertThat(page.isChecked("#pref-surveys")).isTrue();

            page.click("button[data-assignment-id='asg-survey']");
            page.waitForSelector("#assignment-area:not([hidden])");
            assertThat(page.textContent("#assignment-title")).isEqualTo("How was your visit?");
            page.click("#assignment-submit"); // the rating is required: nothing is sent
            assertThat(MESSAGING.answersOf(user.patientId(), "asg-survey")).isNull();
            page.check("label:has-text('Good')");
            page.check("label:has-text('Yes')");
            page.fill("#assignment-items textarea", "Friendly & quick <3");
            chromium.screenshot(page, "questionnaire-survey");
            page.click("#assignment-submit");
            page.waitForSelector("#questionnaires-status:has-text('Your answers were sent')");
            JsonNode answers = MESSAGING.answersOf(user.patientId(), "asg-survey");
            assertThat(answers.toString())
                    .contains("{\"linkId\":\"rating\",\"value\":\"Good\"}")
                    .contains("{\"linkId\":\"again\",\"value\":\"true\"}")
                    .contains("{\"linkId\":\"comment\",\"value\":\"Friendly & quick <3\"}");
            assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("assignment-list-heading");

            page.click("button[data-assignment-id='asg-lesson']");
            page.waitForSelector("#assignment-area:not([hidden])");
            assertThat(page.textContent("#assignment-items")).contains("Check your blood pressure");
            assertThat(page.getAttribute("#assignment-items a.other-site", "href"))
                    .isEqualTo("https://www.heart.org/en/health-topics/high-blood-pressure");
            assertThat(page.textContent("#assignment-items .other-sites-note")).contains("not responsible");
            assertThat(page.textContent("#assignment-submit")).isEqualTo("I have read this lesson");
            page.click("#assignment-submit");
            page.waitForSelector("#questionnaires-status:has-text('marked as done')");
            assertThat(page.locator("button[data-assignment-id]").count()).isZero();

            page.uncheck("#pref-surveys");
            page.waitForSelector("#questionnaires-status:has-text('You will not be sent surveys')");
            chromium.screenshot(page, "questionnaires-done");
            assertThat(MESSAGING.seen.stream()
                            .filter(s -> s.method().equals("PUT") && s.path().equals("/api/questionnaires/preferences"))
                            .count())
                    .isPositive();
            page.reload();
            page.waitForSelector("#pref-surveys:not([disabled])");
            assertThat(page.isChecked("#pref-surveys"))
                    .as("the choice was saved")
                    .isFalse();
        }
    }

    private static final String NOTE = "Blood pressure 128/82, 131/85\n";

    private static FilePayload note(String name) {
        return new FilePayload(name, "text/plain", NOTE.getBytes(StandardCharsets.UTF_8));
    }

    private static long composePosts() {
        return MESSAGING.seen.stream()
                .filter(s -> s.method().equals("POST") && s.path().equals("/api/messages"))
                .count();
    }
}
