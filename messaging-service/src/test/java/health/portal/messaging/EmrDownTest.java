package health.portal.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The EMR (or records-service) away when the patient sends: accepted and shown as sent, held only sealed, filed once
 * when it returns, then forgotten.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmrDownTest extends MessagingTestBase {

    @Test
    void aMessageSentWhileTheEmrIsAwayIsAcceptedHeldSealedAndFiledOnceLater(CapturedOutput logs) throws Exception {
        String patient = newPatient();
        String canary = "canary-" + UUID.randomUUID();
        assertThat(get("/api/messages/recipients", tokens.patient(patient)).status())
                .isEqualTo(200);

        records.down.set(true);
        Answer sent = compose(patient, message(TestRecordsServer.AWAY, "Subject " + canary, "Body " + canary));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        assertThat(sent.json().path("filed").asBoolean()).isFalse();
        assertThat(sent.json().path("assignedTo").path("reference").asString()).isEqualTo(TestRecordsServer.COVERING);
        String threadId = sent.json().path("threadId").asString();
        String messageId = sent.json().path("messageId").asString();

        // shown as sent, its text not yet available
        Answer thread = get("/api/messages/" + threadId, tokens.patient(patient));
        assertThat(thread.status()).isEqualTo(200);
        JsonNode shown = thread.json().path("messages").get(0);
        assertThat(shown.path("filed").asBoolean()).isFalse();
        assertThat(shown.path("textAvailable").asBoolean()).isFalse();
        assertThat(get("/api/messages", tokens.patient(patient))
                        .json()
                        .get(0)
                        .path("id")
                        .asString())
                .isEqualTo(threadId);

        // a patient reply while it waits is filed after it, in order
        Answer reply = post(
                "/api/messages/" + threadId + "/replies",
                tokens.patient(patient),
                Map.of("body", "More " + canary, "concernsOnlyMe", true));
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.json().path("filed").asBoolean()).isFalse();

        Thread.sleep(1_000); // a few retries of the filer, all refused
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM pending_filing pf JOIN message m ON m.id = pf.message_id"
                                + " WHERE m.thread_id = ?::uuid",
                        Integer.class,
                        threadId))
                .isEqualTo(2);
        assertThat(databaseRowsContaining(canary)).isEmpty();
        assertThat(RAW_EVENTS)
                .noneMatch(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8).contains(canary));

        records.down.set(false);
        await(
                "the held messages filed",
                () -> records.filed.containsKey(messageId)
                        && records.filed.containsKey(
                                reply.json().path("messageId").asString()));
        await(
                "the held boxes forgotten",
                () -> jdbc.queryForObject(
                                "SELECT count(*) FROM pending_filing pf JOIN message m ON m.id = pf.message_id"
                                        + " WHERE m.thread_id = ?::uuid",
                                Integer.class,
                                threadId)
                        == 0);

        // filed once: one request for each message crossed
        assertThat(records.fileRequests.stream()
                        .filter(r -> r.getIdempotencyKey().equals(messageId)))
                .hasSize(1);
        String firstCommunication = records.filed.get(messageId).getCommunicationId();
        assertThat(records.fileRequests.stream()
                        .filter(r -> r.getIdempotencyKey()
                                .equals(reply.json().path("messageId").asString()))
                        .findFirst()
                        .orElseThrow()
                        .getInResponseTo())
                .isEqualTo(firstCommunication);
        assertThat(records.open(
                                patient,
                                records.fileRequests.stream()
                                        .filter(r -> r.getIdempotencyKey().equals(messageId))
                                        .findFirst()
                                        .orElseThrow())
                        .getText())
                .isEqualTo("Body " + canary);

        JsonNode after = get("/api/messages/" + threadId, tokens.patient(patient))
                .json()
                .path("messages")
                .get(0);
        assertThat(after.path("filed").asBoolean()).isTrue();
        assertThat(after.path("body").asString()).isEqualTo("Body " + canary);
        assertThat(databaseRowsContaining(canary)).isEmpty();
        assertThat(logs.getAll()).contains(messageId).doesNotContain(canary);
    }

    @Test
    void withoutAnyCareTeamKnownTheEmrBeingAwayIsAClearProblem() {
        records.down.set(true);
        Answer answer = compose(newPatient(), message(TestRecordsServer.PCP, "Subject", "Body"));
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("type").asString())
                .isEqualTo("https://portal.health/problems/dependency-unavailable");
    }

    /** Every row of every table of the service's database, as text, that holds the canary. */
    private List<String> databaseRowsContaining(String canary) {
        List<String> tables = jdbc.queryForList(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables"
                        + " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
                String.class);
        assertThat(tables).contains("public.message_thread", "public.pending_filing", "public.outbox_event");
        List<String> found = new java.util.ArrayList<>();
        for (String table : tables) {
            // text of each row, and its bytea columns decoded as UTF-8 (the outbox's envelopes, the held boxes)
            found.addAll(jdbc.queryForList(
                    "SELECT t::text FROM " + table + " t WHERE t::text LIKE ?", String.class, "%" + canary + "%"));
            for (String column : jdbc.queryForList(
                    "SELECT column_name FROM information_schema.columns"
                            + " WHERE table_schema || '.' || table_name = replace(?, '\"', '') AND data_type = 'bytea'",
                    String.class,
                    table)) {
                found.addAll(jdbc.queryForList(
                        "SELECT '" + table + "." + column + "' FROM " + table
                                + " WHERE position(convert_to(?, 'UTF8') in " + column + ") > 0",
                        String.class,
                        canary));
            }
        }
        return found;
    }
}
