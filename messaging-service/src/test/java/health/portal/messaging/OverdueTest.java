package health.portal.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.ResponseOverdue;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The clock: a thread past due without an answer is marked overdue once, alerted once, and sorted up the queue. */
class OverdueTest extends MessagingTestBase {

    @Test
    void aThreadPastDueIsMarkedOverdueAndAlertedOnce() throws Exception {
        String patient = newPatient();
        Answer late = compose(patient, message(TestRecordsServer.PCP, "Waiting", "Still waiting."));
        Answer fresh = compose(newPatient(), message(TestRecordsServer.PCP, "New", "Just sent."));
        String threadId = late.json().path("threadId").asString();
        // three business days passed (the calendar's arithmetic is ClinicCalendarTest's)
        jdbc.update("UPDATE message_thread SET due_at = now() - interval '1 minute' WHERE id = ?::uuid", threadId);

        await(
                "ResponseOverdue",
                () -> !payloads(threadId, ResponseOverdue.class).isEmpty());
        Thread.sleep(1_500); // several more ticks of the clock
        List<ResponseOverdue> alerts = payloads(threadId, ResponseOverdue.class);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.getFirst().getPatientId()).isEqualTo(patient);
        assertThat(alerts.getFirst().getPracticeReference()).isEqualTo(TestRecordsServer.PRACTICE);

        JsonNode mine =
                get("/api/messages/" + threadId, tokens.patient(patient)).json();
        assertThat(mine.path("overdue").asBoolean()).isTrue();
        assertThat(mine.path("status").asString()).isEqualTo("open");

        List<String> queue = new ArrayList<>();
        get("/internal/staff/messages/queue", staff()).json().forEach(item -> {
            if (!item.path("urgent").asBoolean()) {
                queue.add(item.path("id").asString());
            }
        });
        assertThat(queue.indexOf(threadId))
                .isNotNegative()
                .isLessThan(queue.indexOf(fresh.json().path("threadId").asString()));

        // an answer stops the clock; the patient writing again restarts it, and a new wait may alert again
        assertThat(post("/internal/staff/messages/" + threadId + "/replies", staff(), Map.of("body", "Sorry."))
                        .status())
                .isEqualTo(201);
        JsonNode answered =
                get("/api/messages/" + threadId, tokens.patient(patient)).json();
        assertThat(answered.path("overdue").asBoolean()).isFalse();
        assertThat(answered.path("status").asString()).isEqualTo("answered");
        Thread.sleep(700);
        assertThat(payloads(threadId, ResponseOverdue.class)).hasSize(1);
    }
}
