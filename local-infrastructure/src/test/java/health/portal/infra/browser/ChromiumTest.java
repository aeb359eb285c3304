package health.portal.infra.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

class ChromiumTest {

    @Test
    void debiansChromiumRendersAPageAndTakesAScreenshot() throws Exception {
        try (Chromium chromium = Chromium.launch()) {
            Page page = chromium.newPage();
            page.setContent("<main><h1>Portal</h1><button onclick=\"this.textContent='clicked'\">Go</button></main>");
            page.click("button");
            assertThat(page.textContent("button")).isEqualTo("clicked");
            var shot = chromium.screenshot(page, "chromium-smoke");
            assertThat(Files.size(shot)).isGreaterThan(1000);
        }
    }
}
