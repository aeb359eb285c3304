package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.Test;

/**
 * The Appointments area in a real browser, through the gateway, against the records.proto server of the tests: the
 * patient's appointments, and with a telemedicine one the limitations of such a visit (terms of use), in the words
 * records-service sends. Screenshot under {@code gateway/target/screenshots}.
 */
class AppointmentsPageTest extends GatewayTestBase {

    @Test
    void aTelemedicineAppointmentIsShownWithTheLimitationsOfSuchAVisit() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        TestUser user = patient("appointments-page");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#appointments:not([hidden])");
            page.waitForSelector("#appointment-list .appointment");
            assertThat(page.locator("#appointment-list .appointment").count()).isEqualTo(2);

            Locator video = page.locator(".appointment[data-appointment-id='ap-video']");
            assertThat(video.locator(".appointment-what").textContent())
                    .isEqualTo("Telemedicine Home blood pressure readings review \u00b7 Video visit");
            Locator notice = video.locator(".telemedicine-notice");
            assertThat(notice.isVisible()).isTrue();
            assertThat(notice.textContent()).isEqualTo(TestRecordsServer.TELEMEDICINE_NOTICE);
            assertThat(notice.getAttribute("role")).isEqualTo("note");

            Locator clinic = page.locator(".appointment[data-appointment-id='ap-clinic']");
            assertThat(clinic.textContent())
                    .contains("Blood pressure and cholesterol follow-up")
                    .contains("Booked")
                    .contains("Portal Health Clinic - Main Street");
            assertThat(clinic.locator(".telemedicine-notice").count())
                    .as("an in-person visit has no such notice")
                    .isZero();
            assertThat(page.isVisible("#appointments-more")).as("one page").isFalse();
            chromium.screenshot(page, "appointments-telemedicine");
        }
    }
}
