package health.portal.infra.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A real browser for tests: Debian's Chromium driven by Playwright for Java. Playwright's own browser download is
 * skipped (this machine's network reaches Maven Central and Debian, not Playwright's CDN); `.ci/run` installs the
 * {@code chromium} package. Screenshots go to the module's {@code target/screenshots}, to be looked at.
 *
 * <pre>{@code
 * try (Chromium chromium = Chromium.launch()) {
 *     Page page = chromium.newPage();
 *     page.navigate(url);
 *     chromium.screenshot(page, "signed-in");
 * }
 * }</pre>
 */
public final class Chromium implements AutoCloseable {

    /** Where Debian's package puts it; PORTAL_CHROMIUM names another. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");

    // Without the background-networking flags Chromium keeps trying hosts this machine's closed network refuses.
    private static final List<String> ARGUMENTS = List.of(
            "--no-sandbox", // runs as root here
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync");

    private final Playwright playwright;

    private final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static Path executable() {
        String configured = System.getenv("PORTAL_CHROMIUM");
        return configured == null || configured.isBlank() ? DEFAULT_EXECUTABLE : Path.of(configured);
    }

    /** Whether this machine has the browser (tests fail with a clear message if not: see {@link #launch()}). */
    public static boolean installed() {
        return Files.isExecutable(executable());
    }

    public static Chromium launch() {
        if (!installed()) {
            throw new IllegalStateException("No Chromium at " + executable()
                    + ": install Debian's chromium package (.ci/run does) or set PORTAL_CHROMIUM");
        }
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(executable())
                            .setHeadless(true)
                            .setArgs(ARGUMENTS));
            return new Chromium(playwright, browser);
        } catch (RuntimeException ex) {
            playwright.close();
            throw ex;
        }
    }

    /**
     * A fresh browser profile (its own cookies and storage): one person at one computer. The portal's local
     * certificate is self-signed, so certificate errors are accepted here; TLS itself is tested elsewhere.
     */
    public BrowserContext newContext() {
        return browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
    }

    public Page newPage() {
        return newContext().newPage();
    }

    /** Saves a full-page PNG under target/screenshots and returns its path. */
    public Path screenshot(Page page, String name) {
        Path file = Path.of(System.getProperty("user.dir"), "target", "screenshots", name + ".png");
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
