package health.portal.launcher;

import static health.portal.launcher.StackCalls.HTTP;
import static health.portal.launcher.StackCalls.JSON;
import static health.portal.launcher.StackCalls.call;
import static health.portal.launcher.StackCalls.json;
import static health.portal.launcher.StackCalls.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import health.portal.infra.browser.Chromium;
import health.portal.infra.keycloak.StaffUser;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Billing across the real processes (billing-service/API.md): the demo patient's enrollment makes them paperless; a
 * billing-office clerk's statement run issues a statement from the sandbox EMR's charges; the notice arrives by mail
 * without an amount; the Billing Summary page shows it and its PDF (through the gateway, twice, the same bytes, showing
 * the amount due); the patient goes back to paper on the page, the next period's statement is queued and exported to
 * the mail vendor's folder with the EMR's address; the patient opts back in; the access log shows both changes; the
 * other demo patient cannot fetch the statement; and no billing table holds what a charge was for.
 */
@ExtendWith(SharedStack.class)
class BillingIT {

    private static final String ALEX_MAIL = "alex.rivera@example.org";
    private static final String NEW_STATEMENT = "You have a new statement";
    private static final ZoneId CLINIC = ZoneId.of("America/New_York");

    private static final LocalDate TODAY = LocalDate.now(CLINIC);

    /** Last month, in the clinic's zone: the sandbox's demo patients had a visit then. */
    private static final String FIRST_PERIOD_END =
            YearMonth.from(TODAY).minusMonths(1).atEndOfMonth().toString();

    /** The month after it, this one: the run states what was posted by now (today's payment). */
    private static final String NEXT_PERIOD_END =
            YearMonth.from(TODAY).atEndOfMonth().toString();

    static LocalPortal stack;
    static String alex;
    static String sam;
    static StaffUser clerk;

    @BeforeAll
    static void startPortal() {
        stack = SharedStack.running().portal();
        alex = SharedStack.running().signInAlex();
        sam = SharedStack.running().signInSam();
        clerk = stack.keycloak().createStaffUser("billing.clerk", "Robin", "Ellis", List.of("billing-office"));
    }

    @Test
    void fromEnrollmentToPaperAndBackWithStatementsPdfsAndTheVendorsBatch() throws Exception {
        // enrolling made Alex paperless (PatientEnrolled, consumed once)
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode paperless = json(gateway("GET", "/api/billing/paperless", alex, null), 200);
            assertThat(paperless.path("paperless").asBoolean()).isTrue();
            assertThat(paperless.path("changedBy").asString()).isEqualTo("ENROLLMENT");
        });
        JsonNode summary = json(gateway("GET", "/api/billing/summary", alex, null), 200);
        assertThat(summary.path("accounts").size()).as(summary.toString()).isPositive();

        // the billing office runs the statements; Alex's account gets one, delivered paperless
        JsonNode run = statementRun(FIRST_PERIOD_END);
        assertThat(run.path("pending").asInt()).as(run.toString()).isZero();
        JsonNode statement = statementsOf(FIRST_PERIOD_END).getFirst();
        int paperlessStatements = statementsOf(FIRST_PERIOD_END).size(); // one per account
        assertThat(statement.path("delivery").asString()).isEqualTo("PAPERLESS");
        String statementId = statement.path("statementId").asString();
        String amountDue = statement.path("amountDue").path("amount").asString();

        // the notice: one mail per statement, a link to the portal, no amount
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> statementMails().size() == paperlessStatements);
        for (String mail : statementMails()) {
            assertThat(mail)
                    .contains(stack.gatewayUrl())
                    .doesNotContain(amountDue)
                    .doesNotContain("$");
        }

        // the PDF through the gateway, twice: an attachment never cached, the same bytes, the amount due in it
        HttpResponse<byte[]> first = pdf(alex, statementId);
        HttpResponse<byte[]> second = pdf(alex, statementId);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(first.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment")
                .contains("statement-" + FIRST_PERIOD_END + ".pdf");
        assertThat(first.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(withoutGrouping(textOf(first.body()))).contains(amountDue);

        // another patient naming Alex's statement learns nothing, not even that it exists
        assertThat(pdf(sam, statementId).statusCode()).isEqualTo(404);
        assertThat(gateway(
                                "GET",
                                "/api/billing/accounts/"
                                        + statement.path("accountId").asString(),
                                sam,
                                null)
                        .statusCode())
                .isEqualTo(404);

        // the page: the statement with its amount due and PDF; then back to paper, the seed's way
        try (Chromium chromium = Chromium.launch()) {
            Page page = signedInPage(chromium);
            String row = "#billing-statements tr[data-statement-id='" + statementId + "']";
            page.waitForSelector(row);
            chromium.screenshot(page, "billing-it-summary");
            assertThat(withoutGrouping(page.textContent(row)))
                    .contains(amountDue)
                    .contains(FIRST_PERIOD_END);
            Download download = page.waitForDownload(() -> page.click(row + " a:has-text('Download PDF')"));
            assertThat(Files.readAllBytes(download.path())).isEqualTo(first.body());

            page.click("#billing-accounts li[data-account-id='"
                    + statement.path("accountId").asString() + "'] button:has-text('View Account')");
            page.waitForSelector("#billing-account-area:not([hidden])");
            page.click("#billing-paperless-open");
            page.check("#billing-paperless-off");
            page.click("#billing-paperless-update");
            page.waitForSelector("#billing-status:has-text('Paperless billing is off')");
            chromium.screenshot(page, "billing-it-paper");
        }
        assertThat(json(gateway("GET", "/api/billing/paperless", alex, null), 200)
                        .path("paperless")
                        .asBoolean())
                .isFalse();

        // the billing system posts a payment; the next period's statement is mailed: queued, no e-mail
        String accountId = statement.path("accountId").asString();
        HttpResponse<String> payment = postPayment(accountId, "1.00", TODAY.toString());
        assertThat(payment.statusCode()).as(payment.body()).isEqualTo(201);
        assertThat(postPayment(accountId, "1.00", TODAY.toString()).statusCode())
                .as("the same external id again")
                .isEqualTo(200);
        statementRun(NEXT_PERIOD_END);
        JsonNode mailed = statementsOf(NEXT_PERIOD_END).stream()
                .filter(s -> s.path("accountId").asString().equals(accountId))
                .findFirst()
                .orElseThrow();
        assertThat(mailed.path("delivery").asString()).isEqualTo("MAIL");
        String mailedId = mailed.path("statementId").asString();

        // the export writes the vendor's batch: the PDF and the address the EMR has for Alex
        HttpResponse<String> exported =
                billing("POST", "/internal/staff/billing/paper-mail/exports", staff(), Map.of());
        assertThat(exported.statusCode()).as(exported.body()).isBetween(200, 201);
        JsonNode export = JSON.readTree(exported.body());
        assertThat(export.path("statements").asInt()).as(export.toString()).isPositive();
        Map<String, byte[]> batch = unzip(batchFile(export));
        String manifest = new String(batch.get("manifest.csv"), StandardCharsets.UTF_8);
        assertThat(manifest).contains(mailedId);
        JsonNode address = alexsAddress();
        assertThat(manifest)
                .contains(address.path("line").path(0).asString())
                .contains(address.path("city").asString())
                .contains(address.path("postalCode").asString());
        assertThat(batch).containsKey(mailedId + ".pdf");
        assertThat(withoutGrouping(textOf(batch.get(mailedId + ".pdf"))))
                .contains(mailed.path("amountDue").path("amount").asString());
        Thread.sleep(3000); // the notices had time: still only the paperless statement's mail
        assertThat(statementMails()).hasSize(paperlessStatements);

        // back to paperless
        JsonNode back = json(gateway("PUT", "/api/billing/paperless", alex, Map.of("paperless", true)), 200);
        assertThat(back.path("paperless").asBoolean()).isTrue();
        assertThat(back.path("changedBy").asString()).isEqualTo("PATIENT");

        // each change of preference is in Alex's access log: who, when, from where
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(preferenceChanges()).hasSizeGreaterThanOrEqualTo(2));
        for (JsonNode entry : preferenceChanges()) {
            assertThat(entry.path("occurredAt").asString()).isNotBlank();
            assertThat(entry.path("actorType").asString()).containsIgnoringCase("patient");
            assertThat(entry.path("clientIp").asString()).isNotBlank();
        }

        // nothing of what the charges were for is in billing's database or log
        Set<String> descriptions = chargeDescriptions();
        assertThat(descriptions).as("the sandbox's charge descriptions").isNotEmpty();
        List<String> rows = rowsOf("billing");
        assertThat(rows).as("billing holds the run's accounts and statements").isNotEmpty();
        String log = Files.readString(stack.logs().resolve("billing-service.log"), StandardCharsets.ISO_8859_1);
        for (String description : descriptions) {
            assertThat(rows).as("billing database").noneMatch(row -> row.contains(description));
            assertThat(log).as("billing-service.log").doesNotContain(description);
        }
    }

    // --- billing

    private static String staff() {
        return stack.keycloak().staffSignIn(clerk).accessToken();
    }

    private static JsonNode statementRun(String periodEnd) throws IOException, InterruptedException {
        HttpResponse<String> run =
                billing("POST", "/internal/staff/billing/statement-runs", staff(), Map.of("periodEnd", periodEnd));
        assertThat(run.statusCode()).as(run.body()).isBetween(200, 201);
        return JSON.readTree(run.body());
    }

    /** Alex's statements of the period that ended on that day (one per account), as the Billing Summary lists them. */
    private static List<JsonNode> statementsOf(String periodEnd) throws IOException, InterruptedException {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode statement : json(gateway("GET", "/api/billing/statements", alex, null), 200)) {
            if (statement.path("periodEnd").asString().equals(periodEnd)) {
                statements.add(statement);
            }
        }
        assertThat(statements)
                .as("statements of the period ending " + periodEnd)
                .isNotEmpty();
        return statements;
    }

    private static HttpResponse<String> postPayment(String accountId, String amount, String postedOn)
            throws IOException, InterruptedException {
        // the billing system's own client-credentials token (the secret the launcher prints for a local operator)
        String token =
                stack.keycloak().serviceAccountToken(stack.billingSystemClientId(), stack.billingSystemClientSecret());
        return billing(
                "POST",
                "/internal/billing/postings",
                token,
                Map.of(
                        "externalId",
                        "HB-IT-" + accountId + "-" + postedOn,
                        "accountId",
                        accountId,
                        "kind",
                        "PAYMENT",
                        "amount",
                        amount,
                        "currency",
                        "USD",
                        "postedOn",
                        postedOn));
    }

    private static Path batchFile(JsonNode export) throws IOException {
        Path named = Path.of(export.path("file").asString());
        Path file = named.isAbsolute() ? named : stack.paperMailFolder().resolve(named.getFileName());
        assertThat(file).exists();
        assertThat(file.toAbsolutePath()
                        .normalize()
                        .startsWith(stack.paperMailFolder().toAbsolutePath().normalize()))
                .as("written to the vendor's drop folder")
                .isTrue();
        return file;
    }

    private static Map<String, byte[]> unzip(Path file) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    private static List<JsonNode> preferenceChanges() throws IOException, InterruptedException {
        List<JsonNode> changes = new ArrayList<>();
        for (JsonNode entry : json(gateway("GET", "/api/me/access-log?size=100", alex, null), 200)
                .path("entries")) {
            if (entry.path("action").asString().equals("billing.paperless.updated")) {
                changes.add(entry);
            }
        }
        return changes;
    }

    private static String textOf(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(document);
        }
    }

    /** "1,234.56" as "1234.56": the amount as the API gives it, however the page or PDF groups its digits. */
    private static String withoutGrouping(String text) {
        return text.replaceAll("(\\d),(\\d{3})", "$1$2");
    }

    // --- the EMR's side (the sandbox, read directly: the test is the hospital looking at its own EMR)

    private static JsonNode alexsAddress() throws IOException, InterruptedException {
        return fhir("/Patient/" + DemoPatient.PATIENT_ID).path("address").path(0);
    }

    /** What each of Alex's charges was for, as the EMR names it (ChargeItem code text and displays). */
    private static Set<String> chargeDescriptions() throws IOException, InterruptedException {
        Set<String> descriptions = new LinkedHashSet<>();
        JsonNode bundle = fhir("/ChargeItem?subject="
                + URLEncoder.encode("Patient/" + DemoPatient.PATIENT_ID, StandardCharsets.UTF_8) + "&_count=200");
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode code = entry.path("resource").path("code");
            addDescription(descriptions, code.path("text").asString(""));
            for (JsonNode coding : code.path("coding")) {
                addDescription(descriptions, coding.path("display").asString(""));
            }
        }
        return descriptions;
    }

    private static void addDescription(Set<String> descriptions, String text) {
        if (text.length() >= 6) { // shorter words could be anywhere by chance
            descriptions.add(text);
        }
    }

    private static JsonNode fhir(String path) throws IOException, InterruptedException {
        return json(call("GET", "http://localhost:" + stack.ports().emrSandbox() + "/fhir" + path, null, null), 200);
    }

    // --- the stores outside the inner zone

    /** Every mail to Alex announcing a statement, raw (headers and body). */
    private static List<String> statementMails() {
        List<String> mails = new ArrayList<>();
        for (MimeMessage message : stack.smtp().receivedMessages()) {
            try {
                if (!InternetAddress.toString(message.getAllRecipients()).contains(ALEX_MAIL)
                        || !NEW_STATEMENT.equals(message.getSubject())) {
                    continue;
                }
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                message.writeTo(raw);
                mails.add(raw.toString(StandardCharsets.UTF_8));
            } catch (MessagingException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return mails;
    }

    // --- calls

    private static Page signedInPage(Chromium chromium) {
        Page page = chromium.newPage();
        page.navigate(stack.gatewayUrl() + "/");
        page.click("#sign-in");
        page.waitForSelector("#username");
        page.fill("#username", DemoPatient.ALEX.username());
        page.fill("#password", DemoPatient.ALEX.password());
        page.click("#kc-login");
        page.waitForURL(stack.gatewayUrl() + "/");
        try {
            page.waitForSelector("#billing:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(60_000));
        } finally {
            chromium.screenshot(page, "billing-it-signed-in");
        }
        return page;
    }

    private static HttpResponse<byte[]> pdf(String token, String statementId) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(stack.gatewayUrl() + "/api/billing/statements/" + statementId + "/pdf"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> gateway(String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        return call(method, stack.gatewayUrl() + path, token, body);
    }

    private static HttpResponse<String> billing(String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        return call(method, "http://localhost:" + stack.ports().billing() + path, token, body);
    }
}
