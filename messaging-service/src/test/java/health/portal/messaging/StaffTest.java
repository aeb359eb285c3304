package health.portal.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.CareTeamMessageSent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;

/** The care team's side: reply, reassign, close, start a thread. */
class StaffTest extends MessagingTestBase {

    @Test
    void aClinicianRepliesAndThePatientReadsItFromTheEmr() throws Exception {
        String patient = newPatient();
        Answer sent = compose(patient, message(TestRecordsServer.PCP, "Dose", "Can I take two?"));
        String threadId = sent.json().path("threadId").asString();

        JsonNode view = get("/internal/staff/messages/" + threadId, staff()).json();
        assertThat(view.path("messages").get(0).path("body").asString()).isEqualTo("Can I take two?");
        assertThat(view.path("patientId").asString()).isEqualTo(patient);

        Answer reply = post(
                "/internal/staff/messages/" + threadId + "/replies", staff(), Map.of("body", "Yes, <b>with food</b>."));
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().path("filed").asBoolean()).isTrue();
        String replyId = reply.json().path("messageId").asString();
        assertThat(records.fileRequests.stream()
                        .filter(r -> r.getIdempotencyKey().equals(replyId))
                        .findFirst()
                        .orElseThrow()
                        .getInResponseTo())
                .isEqualTo(records.filed
                        .get(sent.json().path("messageId").asString())
                        .getCommunicationId());

        await(
                "CareTeamMessageSent",
                () -> !payloads(threadId, CareTeamMessageSent.class).isEmpty());
        CareTeamMessageSent event =
                payloads(threadId, CareTeamMessageSent.class).getFirst();
        assertThat(event.getNewThread()).isFalse();
        assertThat(event.getMessageId()).isEqualTo(replyId);

        JsonNode summary = get("/api/messages", tokens.patient(patient)).json().get(0);
        assertThat(summary.path("unread").asBoolean()).isTrue();
        assertThat(summary.path("status").asString()).isEqualTo("answered");
        JsonNode thread =
                get("/api/messages/" + threadId, tokens.patient(patient)).json();
        JsonNode answer = thread.path("messages").get(1);
        assertThat(answer.path("from").asString()).isEqualTo("care-team");
        assertThat(answer.path("senderName").asString()).isEqualTo("Dr. Avery Morgan");
        assertThat(answer.path("body").asString()).isEqualTo("Yes, <b>with food</b>.");
        assertThat(get("/api/messages", tokens.patient(patient))
                        .json()
                        .get(0)
                        .path("unread")
                        .asBoolean())
                .isFalse();

        assertThat(put("/api/messages/" + threadId + "/read", tokens.patient(patient), Map.of("read", false))
                        .status())
                .isEqualTo(204);
        assertThat(get("/api/messages", tokens.patient(patient))
                        .json()
                        .get(0)
                        .path("unread")
                        .asBoolean())
                .isTrue();
        // the thread is out of the queue until the patient writes again
        assertThat(get("/internal/staff/messages/queue", staff()).body()).doesNotContain(threadId);
    }

    @Test
    void theFrontDeskReassignsButDoesNotAnswer() {
        Answer sent = compose(newPatient(), message(TestRecordsServer.PCP, "Bill", "Question on my bill."));
        String threadId = sent.json().path("threadId").asString();

        assertThat(post("/internal/staff/messages/" + threadId + "/replies", frontDesk(), Map.of("body", "x"))
                        .status())
                .isEqualTo(403);
        assertThat(post(
                                "/internal/staff/messages/" + threadId + "/reassign",
                                frontDesk(),
                                Map.of("to", TestRecordsServer.PRACTICE))
                        .status())
                .isEqualTo(204);
        assertThat(get("/internal/staff/messages/" + threadId, frontDesk())
                        .json()
                        .path("assignedTo")
                        .path("reference")
                        .asString())
                .isEqualTo(TestRecordsServer.PRACTICE);

        Answer outside = post(
                "/internal/staff/messages/" + threadId + "/reassign", staff(), Map.of("to", "Practitioner/not-ours"));
        assertThat(outside.status()).isEqualTo(422);
        assertThat(post("/internal/staff/messages/" + threadId + "/reassign", staff(), Map.of("to", "nonsense"))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aClosedThreadTakesNoMoreMessages() {
        String patient = newPatient();
        Answer sent = compose(patient, message(TestRecordsServer.PCP, "Done", "Thanks."));
        String threadId = sent.json().path("threadId").asString();

        assertThat(post("/internal/staff/messages/" + threadId + "/close", frontDesk(), Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(post("/internal/staff/messages/" + threadId + "/close", staff(), Map.of())
                        .status())
                .isEqualTo(204);
        assertThat(get("/api/messages/" + threadId, tokens.patient(patient))
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("closed");
        Answer reply = post(
                "/api/messages/" + threadId + "/replies",
                tokens.patient(patient),
                Map.of("body", "One more thing", "concernsOnlyMe", true));
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().path("type").asString()).isEqualTo("https://portal.health/problems/thread-closed");
        assertThat(post("/internal/staff/messages/" + threadId + "/close", staff(), Map.of())
                        .status())
                .isEqualTo(409);
    }

    @Test
    void aClinicianStartsAThreadToThePatient() throws Exception {
        String patient = newPatient();
        Answer started = post(
                "/internal/staff/messages",
                staff(),
                Map.of("patientId", patient, "subject", "Your results", "body", "Please call us."));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String threadId = started.json().path("threadId").asString();

        await(
                "CareTeamMessageSent",
                () -> !payloads(threadId, CareTeamMessageSent.class).isEmpty());
        assertThat(payloads(threadId, CareTeamMessageSent.class).getFirst().getNewThread())
                .isTrue();

        JsonNode summary = get("/api/messages", tokens.patient(patient)).json().get(0);
        assertThat(summary.path("id").asString()).isEqualTo(threadId);
        assertThat(summary.path("subject").asString()).isEqualTo("Your results");
        assertThat(summary.path("unread").asBoolean()).isTrue();
        Answer reply = post(
                "/api/messages/" + threadId + "/replies",
                tokens.patient(patient),
                Map.of("body", "Calling tomorrow.", "concernsOnlyMe", true));
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().path("dueBy").isMissingNode()).isFalse();
        assertThat(get("/internal/staff/messages/queue", staff()).body()).contains(threadId);

        assertThat(post(
                                "/internal/staff/messages",
                                staff(),
                                Map.of("patientId", "bad id!", "subject", "s", "body", "b"))
                        .status())
                .isEqualTo(400);
        assertThat(post(
                                "/internal/staff/messages",
                                frontDesk(),
                                Map.of("patientId", patient, "subject", "s", "body", "b"))
                        .status())
                .isEqualTo(403);
    }
}
