package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The record's areas of the page in a real browser, through the gateway, against the records.proto server of the
 * tests: test results (each value with its normal range and a flag in words, earlier reports a page at a time), past
 * visits and documents (each a download). Screenshots under {@code gateway/target/screenshots}.
 */
class RecordAreasPageTest extends GatewayTestBase {

    @Test
    void aPatientReadsTheirResultsWithRangesAndFlagsThenEarlierOnes() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        TestUser user = patient("results-page");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#results:not([hidden])");
            page.waitForSelector("#lab-report-list .lab-report");

            Locator lipids = page.locator(".lab-report[data-report-id='r1']");
            assertThat(lipids.locator("caption").textContent()).startsWith("Lipid panel, Nov");
            assertThat(lipids.locator("th").allTextContents())
                    .containsExactly("Test", "Result", "Normal range", "Flag");
            assertThat(lipids.locator("tr.lab-result").allTextContents())
                    .containsExactly(
                            "LDL cholesterol162 mg/dL0\u2013130 mg/dLHigh",
                            "HDL cholesterol52 mg/dL40\u201360 mg/dLNormal");
            assertThat(lipids.locator("tr.out-of-range").textContent()).startsWith("LDL cholesterol");
            assertThat(page.locator(".lab-report").count()).isEqualTo(1);

            page.click("#results-more");
            page.waitForSelector(".lab-report[data-report-id='r2']");
            assertThat(page.locator(".lab-report[data-report-id='r2'] tr.lab-result")
                            .textContent())
                    .isEqualTo("Hemoglobin11.2 g/dL12\u201315.5 g/dLLow");
            assertThat(page.locator(".lab-report").count()).isEqualTo(2);
            assertThat(page.isVisible("#results-more"))
                    .as("no page after the last")
                    .isFalse();
            chromium.screenshot(page, "test-results");
        }
    }

    @Test
    void aPatientSeesTheirPastVisitsAndDownloadsADocument() throws IOException {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
        TestUser user = patient("record-areas-page");
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedIn(chromium, user, "#visits:not([hidden])");
            page.waitForSelector("#visit-list .visit");
            assertThat(page.locator("#visit-list .visit").allTextContents())
                    .containsExactly(
                            "Nov 2, 2026Telemedicine visit \u00b7 Follow-up encounterDr. Jordan Morgan",
                            "Feb 14, 2026Office visit \u00b7 General examination"
                                    + "Reason: Hypertension \u00b7 Dr. Jordan Morgan \u00b7 Portal Health Clinic - Main Street");

            page.waitForSelector("#document-list .document");
            Locator document = page.locator(".document[data-document-id='d1']");
            assertThat(document.textContent())
                    .isEqualTo(
                            "Discharge summary Summary of episode note \u00b7 Feb 14, 2026 \u00b7 Dr. Jordan Morgan");
            chromium.screenshot(page, "visits-and-documents");
            Download download = page.waitForDownload(() -> document.locator("a").click());
            assertThat(download.suggestedFilename()).isEqualTo("document-d1.pdf");
            assertThat(Files.readString(download.path(), StandardCharsets.US_ASCII))
                    .isEqualTo("%PDF-1.4 test");
        }
    }
}
