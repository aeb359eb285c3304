package health.portal.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.PatientMessageReceived;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.MessageContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A patient writes to the care team: routing, the clock, the 9-1-1 notice, filing sealed, the queue. */
@ExtendWith(OutputCaptureExtension.class)
class ComposeTest extends MessagingTestBase {

    @Test
    void aMessageToAnAwayProviderGoesToTheCoveringOneAndIsFiledSealed(CapturedOutput logs) throws Exception {
        String patient = newPatient();
        String canary = "canary-" + UUID.randomUUID();
        Instant before = Instant.now();

        Answer recipients = get("/api/messages/recipients", tokens.patient(patient));
        assertThat(recipients.status()).isEqualTo(200);
        JsonNode away = find(recipients.json().path("recipients"), TestRecordsServer.AWAY);
        assertThat(away.path("available").asBoolean()).isFalse();
        assertThat(away.path("coveredBy").path("reference").asString()).isEqualTo(TestRecordsServer.COVERING);
        assertThat(recipients.json().path("practice").path("phone").asString()).isEqualTo("+1 555 0100");
        assertThat(recipients.json().path("emergencyNotice").asString()).contains("9-1-1");

        Map<String, Object> message =
                message(TestRecordsServer.AWAY, "Palpitations " + canary, "Since Monday " + canary);
        message.put(
                "attachments",
                List.of(Map.of(
                        "contentType",
                        "text/plain",
                        "title",
                        "diary.txt",
                        "data",
                        Base64.getEncoder().encodeToString(("diary " + canary).getBytes()))));
        Answer sent = compose(patient, message);

        assertThat(sent.status()).isEqualTo(201);
        JsonNode json = sent.json();
        assertThat(json.path("assignedTo").path("reference").asString()).isEqualTo(TestRecordsServer.COVERING);
        assertThat(json.path("assignedTo").path("name").asString()).isEqualTo("Dr. Casey Cover");
        assertThat(json.path("routedToCovering").asBoolean()).isTrue();
        assertThat(json.path("filed").asBoolean()).isTrue();
        assertThat(json.path("urgent").asBoolean()).isFalse();
        assertThat(json.path("emergencyNotice").asString()).contains("9-1-1");
        assertThat(json.has("emergencyWarning")).isFalse();
        assertDueInThreeBusinessDays(before, Instant.parse(json.path("dueBy").asString()));

        // what crossed to records-service: no subject or text in the clear, the content sealed to its key
        String messageId = json.path("messageId").asString();
        FileCommunicationRequest filed = records.fileRequests.stream()
                .filter(r -> r.getIdempotencyKey().equals(messageId))
                .findFirst()
                .orElseThrow();
        assertThat(filed.getSubject()).isEmpty();
        assertThat(filed.getText()).isEmpty();
        assertThat(filed.getSealed().getKeyId()).isEqualTo(TestRecordsServer.KEY_ID);
        assertThat(filed.toByteString().toStringUtf8()).doesNotContain(canary);
        MessageContent opened = records.open(patient, filed);
        assertThat(opened.getText()).isEqualTo("Since Monday " + canary);
        assertThat(opened.getAttachments(0).getTitle()).isEqualTo("diary.txt");
        assertThat(filed.getRecipientReference()).isEqualTo(TestRecordsServer.COVERING);
        assertThat(filed.getSenderReference()).isEqualTo("Patient/" + patient);
        assertThat(filed.getCategory()).isEqualTo("medical-question");
        // with messaging-service's own token from Keycloak (client credentials), not the patient's
        assertThat(claims(records.lastAuthorization.get()).path("azp").asString())
                .isEqualTo("messaging-service");

        // the event says who has it, by reference only
        String threadId = json.path("threadId").asString();
        await(
                "PatientMessageReceived",
                () -> !payloads(threadId, PatientMessageReceived.class).isEmpty());
        EventEnvelope envelope = eventsAbout(threadId).getFirst();
        PatientMessageReceived received =
                payloads(threadId, PatientMessageReceived.class).getFirst();
        assertThat(received.getAssignedReference()).isEqualTo(TestRecordsServer.COVERING);
        assertThat(received.getRoutedToCovering()).isTrue();
        assertThat(received.getMessageId()).isEqualTo(messageId);
        assertThat(envelope.toByteString().toStringUtf8()).doesNotContain(canary);

        // the patient reads it back from the EMR, and the attachment too
        Answer thread = get("/api/messages/" + threadId, tokens.patient(patient));
        assertThat(thread.status()).isEqualTo(200);
        JsonNode first = thread.json().path("messages").get(0);
        assertThat(first.path("body").asString()).isEqualTo("Since Monday " + canary);
        assertThat(first.path("subject").asString()).isEqualTo("Palpitations " + canary);
        assertThat(first.path("from").asString()).isEqualTo("patient");
        String attachmentId = first.path("attachments").get(0).path("id").asString();
        Answer attachment = get("/api/messages/" + threadId + "/attachments/" + attachmentId, tokens.patient(patient));
        assertThat(attachment.status()).isEqualTo(200);
        assertThat(attachment.body()).isEqualTo("diary " + canary);
        assertThat(attachment.raw().headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment");

        Answer list = get("/api/messages", tokens.patient(patient));
        assertThat(list.json().get(0).path("subject").asString()).isEqualTo("Palpitations " + canary);
        assertThat(list.json().get(0).path("assignedTo").path("name").asString())
                .isEqualTo("Dr. Casey Cover");
        assertThat(logs.getAll()).contains(messageId).doesNotContain(canary);
    }

    @Test
    void theSenderIsAlwaysTheTokensPatient() {
        String patient = newPatient();
        String other = newPatient();
        Map<String, Object> message = message(TestRecordsServer.PCP, "Mine", "About me.");
        message.put("patientId", other);
        message.put("sender", "Patient/" + other);
        Answer sent = compose(patient, message);
        assertThat(sent.status()).isEqualTo(201);
        String messageId = sent.json().path("messageId").asString();
        FileCommunicationRequest filed = records.fileRequests.stream()
                .filter(r -> r.getIdempotencyKey().equals(messageId))
                .findFirst()
                .orElseThrow();
        assertThat(filed.getPatientId()).isEqualTo(patient);
        assertThat(filed.getSenderReference()).isEqualTo("Patient/" + patient);
        assertThat(get("/api/messages", tokens.patient(other)).json()).isEmpty();
    }

    @Test
    void theApiIsDescribed() {
        Answer docs = get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().path("paths").propertyNames())
                .contains(
                        "/api/messages",
                        "/api/messages/{threadId}/replies",
                        "/api/questionnaires/preferences",
                        "/internal/staff/messages/queue",
                        "/internal/staff/questionnaires");
    }

    @Test
    void aProviderAwayWithoutCoverHandsTheMessageToThePracticePool() {
        Answer sent = compose(newPatient(), message(TestRecordsServer.AWAY_UNCOVERED, "Rash", "It itches."));
        assertThat(sent.status()).isEqualTo(201);
        assertThat(sent.json().path("assignedTo").path("reference").asString()).isEqualTo(TestRecordsServer.PRACTICE);
        assertThat(sent.json().path("assignedTo").path("name").asString()).isEqualTo("Portal Health Family Practice");
        assertThat(sent.json().path("routedToCovering").asBoolean()).isTrue();
    }

    @Test
    void anAvailableProviderKeepsTheMessage() {
        Answer sent = compose(newPatient(), message(TestRecordsServer.PCP, "Refill", "Please renew."));
        assertThat(sent.json().path("assignedTo").path("reference").asString()).isEqualTo(TestRecordsServer.PCP);
        assertThat(sent.json().path("routedToCovering").asBoolean()).isFalse();
    }

    @Test
    void emergencyTermsGetTheCall911WarningAndTheTopOfTheQueue() {
        String calm = newPatient();
        Answer ordinary = compose(calm, message(TestRecordsServer.PCP, "Question", "About my diet."));
        String scared = newPatient();
        Answer urgent = compose(scared, message(TestRecordsServer.PCP, "Help", "I have crushing chest pain right now"));

        assertThat(urgent.status()).isEqualTo(201);
        assertThat(urgent.json().path("urgent").asBoolean()).isTrue();
        assertThat(urgent.json().path("emergencyWarning").asString()).contains("Call 9-1-1 now");
        assertThat(urgent.json().path("emergencyNotice").asString()).contains("9-1-1");
        assertThat(urgent.json().path("filed").asBoolean()).isTrue(); // still delivered
        String urgentMessage = urgent.json().path("messageId").asString();
        assertThat(records.fileRequests.stream()
                        .filter(r -> r.getIdempotencyKey().equals(urgentMessage)))
                .allMatch(FileCommunicationRequest::getUrgent);

        Answer queue = get("/internal/staff/messages/queue?practice=" + TestRecordsServer.PRACTICE, staff());
        assertThat(queue.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        List<Boolean> urgency = new ArrayList<>();
        queue.json().forEach(item -> {
            ids.add(item.path("id").asString());
            urgency.add(item.path("urgent").asBoolean());
        });
        int urgentAt = ids.indexOf(urgent.json().path("threadId").asString());
        int ordinaryAt = ids.indexOf(ordinary.json().path("threadId").asString());
        assertThat(urgentAt).isNotNegative().isLessThan(ordinaryAt);
        // urgent items form the head of the queue
        assertThat(urgency.subList(0, urgency.lastIndexOf(true) + 1)).doesNotContain(false);
    }

    @Test
    void htmlIsKeptAsTypedAndReturnedAsPlainText() {
        String patient = newPatient();
        String body = "<script>alert('x')</script><b>bold</b> & more";
        Answer sent = compose(patient, message(TestRecordsServer.PCP, "<i>Subject</i>", body));
        Answer thread = get("/api/messages/" + sent.json().path("threadId").asString(), tokens.patient(patient));
        assertThat(thread.raw().headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/json");
        assertThat(thread.json().path("messages").get(0).path("body").asString())
                .isEqualTo(body);
    }

    private static JsonNode find(JsonNode recipients, String reference) {
        for (JsonNode r : recipients) {
            if (r.path("reference").asString().equals(reference)) {
                return r;
            }
        }
        throw new AssertionError("no recipient " + reference);
    }

    /** Three business days on the clinic's clock (exact cases in ClinicCalendarTest). */
    private static void assertDueInThreeBusinessDays(Instant sent, Instant due) {
        ZoneId clinic = ZoneId.of("America/New_York");
        DayOfWeek day = due.atZone(clinic).getDayOfWeek();
        assertThat(day).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        Duration wait = Duration.between(sent, due);
        assertThat(wait)
                .isBetween(Duration.ofDays(3).minusHours(1), Duration.ofDays(6).plusHours(1));
    }

    static JsonNode claims(String authorization) {
        String jwt = authorization.substring("Bearer ".length());
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}
