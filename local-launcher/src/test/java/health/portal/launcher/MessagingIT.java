package health.portal.launcher;

import static health.portal.launcher.StackCalls.JSON;
import static health.portal.launcher.StackCalls.call;
import static health.portal.launcher.StackCalls.json;
import static health.portal.launcher.StackCalls.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import health.portal.infra.browser.Chromium;
import health.portal.infra.keycloak.StaffUser;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Secure messaging across the real processes: a patient's phone through the gateway, messaging-service, records-service
 * and the sandbox EMR, a clinician on the staff API (a reply, a survey), the notice the mail server received, the
 * page in Chromium. Then the
 * stores outside the inner zone are searched for the canary the messages carried: messaging's database, every Kafka
 * topic, every process's log and every mail.
 */
@ExtendWith(SharedStack.class)
class MessagingIT {

    private static final String CANARY =
            "canary-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String ALEX_MAIL = "alex.rivera@example.org";
    private static final String NEW_MESSAGE = "You have a new message";

    static LocalPortal stack;
    static String alex;
    static String sam;
    static StaffUser clinician;

    @BeforeAll
    static void startPortal() {
        stack = SharedStack.running().portal();
        alex = SharedStack.running().signInAlex();
        sam = SharedStack.running().signInSam();
        clinician = stack.keycloak().createStaffUser("dr.morgan", "Avery", "Morgan", List.of("clinician"));
    }

    @Test
    void aMessageGoesToTheCareTeamIsFiledInTheEmrAndAnsweredAndNothingOfItStaysOutsideTheInnerZone() throws Exception {
        JsonNode recipients = json(gateway("GET", "/api/messages/recipients", alex, null), 200);
        assertThat(recipients.path("emergencyNotice").asString()).contains("9-1-1");
        List<JsonNode> providers = new ArrayList<>();
        recipients.path("recipients").forEach(providers::add);
        assertThat(providers).isNotEmpty();
        assertThat(recipients.path("practice").path("phone").asString()).isNotBlank();

        JsonNode sent = compose(
                providers.getFirst().path("reference").asString(),
                "medical-question",
                "Question " + CANARY,
                "Is the new dose right? " + CANARY);
        assertThat(sent.path("emergencyNotice").asString()).contains("9-1-1");
        assertThat(sent.has("emergencyWarning")).isFalse();
        String thread = sent.path("threadId").asString();

        // read back from the EMR: messaging-service keeps no subject or body
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(gateway("GET", "/api/messages/" + thread, alex, null)
                                .body())
                        .contains("Question " + CANARY)
                        .contains("Is the new dose right? " + CANARY));

        // another patient naming Alex's thread learns nothing, not even that it exists
        assertThat(gateway("GET", "/api/messages/" + thread, sam, null).statusCode())
                .isEqualTo(404);

        // the clinician answers; Alex gets a notice without anything of the answer
        String staff = stack.keycloak().staffSignIn(clinician).accessToken();
        HttpResponse<String> reply = messaging(
                "POST",
                "/internal/staff/messages/" + thread + "/replies",
                staff,
                Map.of("body", "Yes, keep taking it. " + CANARY));
        assertThat(reply.statusCode()).isBetween(200, 201);
        // the reply's notice (other tests' notices, a statement's, may be in the same mailbox)
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> mails().stream().anyMatch(mail -> mail.contains("Subject: " + NEW_MESSAGE)));
        assertThat(mails())
                .allSatisfy(mail -> assertThat(mail)
                        .doesNotContain(CANARY)
                        .doesNotContain("Morgan")
                        .contains(stack.gatewayUrl()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(gateway("GET", "/api/messages/" + thread, alex, null)
                                .body())
                        .contains("Yes, keep taking it. " + CANARY));

        // Alex answers with a file; it is filed in the EMR with the reply and comes back from there
        String readings = "Blood pressure 128/82 " + CANARY + "\n";
        HttpResponse<String> answer = gateway(
                "POST",
                "/api/messages/" + thread + "/replies",
                alex,
                Map.of(
                        "body",
                        "Thank you. My readings are attached. " + CANARY,
                        "concernsOnlyMe",
                        true,
                        "attachments",
                        List.of(Map.of(
                                "contentType",
                                "text/plain",
                                "title",
                                "readings.txt",
                                "data",
                                java.util.Base64.getEncoder()
                                        .encodeToString(readings.getBytes(StandardCharsets.UTF_8))))));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonNode withFile = json(gateway("GET", "/api/messages/" + thread, alex, null), 200);
        JsonNode file = null;
        for (JsonNode message : withFile.path("messages")) {
            if (message.path("attachments").size() > 0) {
                file = message.path("attachments").path(0);
            }
        }
        assertThat(file).as(withFile.toString()).isNotNull();
        HttpResponse<String> download = gateway(
                "GET",
                "/api/messages/" + thread + "/attachments/" + file.path("id").asString(),
                alex,
                null);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(readings);
        assertThat(download.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment");
        assertThat(download.headers().firstValue("Cache-Control").orElse("")).contains("no-store");

        // the clinician closes the conversation; the patient sees it closed and can write no more in it
        assertThat(messaging("POST", "/internal/staff/messages/" + thread + "/close", staff, Map.of())
                        .statusCode())
                .isBetween(200, 204);
        assertThat(json(gateway("GET", "/api/messages/" + thread, alex, null), 200)
                        .path("status")
                        .asString())
                .isEqualTo("closed");

        // a survey the clinician assigns: Alex's answers are filed in the EMR, and kept nowhere else
        HttpResponse<String> assigned = messaging(
                "POST",
                "/internal/staff/questionnaires",
                staff,
                Map.of("patientId", DemoPatient.PATIENT_ID, "questionnaireId", "pre-visit-check-in", "kind", "survey"));
        assertThat(assigned.statusCode()).as(assigned.body()).isBetween(200, 201);
        String assignment = JSON.readTree(assigned.body()).path("id").asString();
        assertThat(json(gateway("GET", "/api/questionnaires", alex, null), 200).toString())
                .contains(assignment);
        HttpResponse<String> answered = gateway(
                "POST",
                "/api/questionnaires/" + assignment + "/response",
                alex,
                Map.of(
                        "answers",
                        List.of(
                                Map.of("linkId", "reason", "value", "Dizzy in the mornings " + CANARY),
                                Map.of("linkId", "pain", "value", "3"))));
        assertThat(answered.statusCode()).as(answered.body()).isBetween(200, 201);
        assertThat(call(
                                "GET",
                                "http://localhost:" + stack.ports().emrSandbox()
                                        + "/fhir/QuestionnaireResponse?patient=" + DemoPatient.PATIENT_ID,
                                null,
                                null)
                        .body())
                .contains("Dizzy in the mornings " + CANARY);

        assertNoCanaryOutsideTheInnerZone();
    }

    @Test
    void inTheBrowserAMessageToTheAwayDoctorGoesToTheCoveringNurseAndItsTextStaysText() {
        try (Chromium chromium = Chromium.launch()) {
            Page page = chromium.newPage();
            page.navigate(stack.gatewayUrl() + "/");
            page.click("#sign-in");
            page.waitForSelector("#username");
            page.fill("#username", DemoPatient.ALEX.username());
            page.fill("#password", DemoPatient.ALEX.password());
            page.click("#kc-login");
            page.waitForURL(stack.gatewayUrl() + "/");
            try {
                page.waitForSelector("#messages:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(60_000));
            } finally {
                chromium.screenshot(page, "messaging-it-signed-in");
            }

            page.click("#compose-open");
            // the care team as the EMR has it: Dr. Morgan is away (the sandbox's out-of-office window), Casey Lee
            // covers
            page.waitForSelector(
                    "#compose-recipient option[value='Practitioner/pcp-morgan']",
                    new Page.WaitForSelectorOptions().setState(WaitForSelectorState.ATTACHED));
            assertThat(page.textContent("#compose-emergency")).contains("9-1-1");
            page.selectOption("#compose-recipient", "Practitioner/pcp-morgan");
            assertThat(page.textContent("#compose-recipient-note")).contains("Casey Lee");
            page.selectOption("#compose-category", "appointment");
            page.fill("#compose-subject", "Next visit " + CANARY);
            page.fill("#compose-body", "<script>window.pwned = true</script><b>Can we move it?</b> " + CANARY);
            page.check("#compose-only-me");
            page.click("#compose-send");
            page.waitForSelector("#compose-result:not([hidden])");
            chromium.screenshot(page, "messaging-it-sent");
            assertThat(page.textContent("#compose-result-who")).contains("Casey Lee");
            assertThat(page.textContent("#compose-result-due")).contains("call the office at");

            page.click("#compose-result-close");
            page.click("text=Next visit " + CANARY);
            page.waitForSelector(".message-body");
            chromium.screenshot(page, "messaging-it-thread");
            // read back from the EMR, shown as the patient typed it: no markup, no script run
            assertThat(page.textContent(".message-body")).contains("<script>window.pwned = true</script>");
            assertThat(page.evaluate("() => window.pwned === undefined")).isEqualTo(true);
            assertThat(page.locator("#thread-messages b").count()).isZero();
        }
    }

    @Test
    void aMessageWithEmergencyTermsIsAnsweredWithTheCallAndIsFirstInTheClinicsQueue() throws Exception {
        JsonNode sent = compose(
                firstRecipient(), "other", "Since this morning", "I have chest pain and my left arm feels weak");
        assertThat(sent.path("emergencyWarning").asString()).contains("9-1-1");

        String staff = stack.keycloak().staffSignIn(clinician).accessToken();
        JsonNode queue = json(messaging("GET", "/internal/staff/messages/queue", staff, null), 200);
        JsonNode first = queue.path(0);
        assertThat(first.path("id").asString()).isEqualTo(sent.path("threadId").asString());
        assertThat(first.path("urgent").asBoolean()).isTrue();
    }

    @Test
    void whileTheEmrIsDownAMessageIsAcceptedAndFiledOnceItIsBack() throws Exception {
        String recipient = firstRecipient();
        faults("POST", "?fail=10000");
        JsonNode sent;
        try {
            sent = compose(recipient, "prescription-renewal", "Refill " + CANARY, "Please renew it. " + CANARY);
            assertThat(sent.path("filed").asBoolean()).isFalse();
        } finally {
            faults("DELETE", "");
        }
        String thread = sent.path("threadId").asString();
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .untilAsserted(() -> assertThat(gateway("GET", "/api/messages/" + thread, alex, null)
                                .body())
                        .contains("Please renew it. " + CANARY));
        assertNoCanaryOutsideTheInnerZone();
    }

    // --- the stores outside the inner zone

    private static void assertNoCanaryOutsideTheInnerZone() throws Exception {
        assertThat(rowsOf("messaging")).as("messaging database").noneMatch(row -> row.contains(CANARY));
        assertThat(kafkaRecords()).as("Kafka records").noneMatch(record -> record.contains(CANARY));
        assertThat(mails()).as("mails").noneMatch(mail -> mail.contains(CANARY));
        try (Stream<Path> logs = Files.list(stack.logs())) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) { // not the paper-mail folder
                if (log.getFileName().toString().startsWith("emr-sandbox")) {
                    continue; // the EMR itself
                }
                assertThat(Files.readString(log, StandardCharsets.ISO_8859_1))
                        .as(log.toString())
                        .doesNotContain(CANARY);
            }
        }
    }

    private static List<String> kafkaRecords() {
        Properties settings = new Properties();
        settings.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:" + stack.ports().kafka());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "messaging-it-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(java.util.regex.Pattern.compile(".*"));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(5).toNanos()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    quietSince = System.nanoTime();
                    if (record.value() != null) {
                        records.add(new String(record.value(), StandardCharsets.ISO_8859_1));
                    }
                }
            }
        }
        assertThat(records).as("Kafka holds the portal's events").isNotEmpty();
        return records;
    }

    /** Every mail to Alex, raw (headers and body), as the mail server received it. */
    private static List<String> mails() {
        List<String> mails = new ArrayList<>();
        for (MimeMessage message : stack.smtp().receivedMessages()) {
            try {
                if (!InternetAddress.toString(message.getAllRecipients()).contains(ALEX_MAIL)) {
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

    private static String firstRecipient() throws IOException, InterruptedException {
        return json(gateway("GET", "/api/messages/recipients", alex, null), 200)
                .path("recipients")
                .path(0)
                .path("reference")
                .asString();
    }

    /** Alex's new message through the gateway, confirmed as only about Alex; the 201 answer. */
    private static JsonNode compose(String recipient, String category, String subject, String body)
            throws IOException, InterruptedException {
        return json(
                gateway(
                        "POST",
                        "/api/messages",
                        alex,
                        Map.of(
                                "recipient", recipient,
                                "category", category,
                                "subject", subject,
                                "body", body,
                                "concernsOnlyMe", true)),
                201);
    }

    private static HttpResponse<String> gateway(String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        return call(method, stack.gatewayUrl() + path, token, body);
    }

    private static HttpResponse<String> messaging(String method, String path, String token, Object body)
            throws IOException, InterruptedException {
        return call(method, "http://localhost:" + stack.ports().messaging() + path, token, body);
    }

    private static void faults(String method, String query) throws IOException, InterruptedException {
        HttpResponse<String> response =
                call(method, "http://localhost:" + stack.ports().emrSandbox() + "/admin/faults" + query, null, null);
        assertThat(response.statusCode()).isEqualTo(200);
    }
}
