package health.portal.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Bad input gets a problem that says what is wrong, never a 500, and nothing is stored or filed. */
class BadInputTest extends MessagingTestBase {

    private final String patient = newPatient();

    private void assertValidation(Map<String, Object> message, String field) {
        int filedBefore = records.fileRequests.size();
        Answer answer = compose(patient, message);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.raw().headers().firstValue("Content-Type").orElseThrow())
                .contains("application/problem+json");
        assertThat(answer.json().path("type").asString()).isEqualTo("https://portal.health/problems/validation");
        assertThat(answer.json().path("errors").toString()).contains(field);
        assertThat(records.fileRequests).hasSize(filedBefore);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM message_thread WHERE patient_id = ?", Integer.class, patient))
                .isZero();
    }

    private static Map<String, Object> ok() {
        return message(TestRecordsServer.PCP, "Question", "A body.");
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> message = ok();
        message.put(field, value);
        return message;
    }

    private static Map<String, Object> file(String type, int bytes) {
        return Map.of(
                "contentType", type, "title", "f", "data", Base64.getEncoder().encodeToString(new byte[bytes]));
    }

    @Test
    void emptyOrOversizedTextIsRefused() {
        assertValidation(with("body", ""), "body");
        assertValidation(with("body", "   "), "body");
        assertValidation(with("body", "x".repeat(10_001)), "body");
        assertValidation(with("subject", ""), "subject");
        assertValidation(with("subject", "s".repeat(201)), "subject");
        assertThat(compose(patient, with("body", "x".repeat(10_000))).status()).isEqualTo(201);
    }

    @Test
    void theMessageMustConcernOnlyThePatient() {
        assertValidation(with("concernsOnlyMe", false), "concernsOnlyMe");
        Map<String, Object> missing = ok();
        missing.remove("concernsOnlyMe");
        assertValidation(missing, "concernsOnlyMe");
    }

    @Test
    void anUnknownCategoryIsRefused() {
        assertValidation(with("category", "gossip"), "category");
    }

    @Test
    void attachmentsAreLimitedInNumberSizeAndType() {
        assertValidation(
                with(
                        "attachments",
                        List.of(
                                file("text/plain", 10),
                                file("text/plain", 10),
                                file("text/plain", 10),
                                file("text/plain", 10))),
                "attachments");
        assertValidation(with("attachments", List.of(file("application/pdf", 1024 * 1024 + 1))), "attachments[0].data");
        assertValidation(with("attachments", List.of(file("text/html", 10))), "attachments[0].contentType");
        assertValidation(
                with("attachments", List.of(Map.of("contentType", "image/png", "title", "p", "data", "not base64!"))),
                "attachments[0].data");
        assertThat(compose(patient, with("attachments", List.of(file("image/png", 1024 * 1024))))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aRecipientOutsideTheCareTeamIsRefused() {
        Answer answer = compose(patient, with("recipient", "Practitioner/someone-else"));
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().path("type").asString())
                .isEqualTo("https://portal.health/problems/recipient-not-in-care-team");
    }

    @Test
    void anotherPatientsThreadIsNotFound() {
        Answer mine = compose(patient, ok());
        String threadId = mine.json().path("threadId").asString();
        String stranger = tokens.patient(newPatient());

        assertThat(get("/api/messages/" + threadId, stranger).status()).isEqualTo(404);
        assertThat(post(
                                "/api/messages/" + threadId + "/replies",
                                stranger,
                                Map.of("body", "hi", "concernsOnlyMe", true))
                        .status())
                .isEqualTo(404);
        assertThat(put("/api/messages/" + threadId + "/read", stranger, Map.of("read", false))
                        .status())
                .isEqualTo(404);
        assertThat(get("/api/messages/" + java.util.UUID.randomUUID(), stranger)
                        .json()
                        .path("type")
                        .asString())
                .isEqualTo("https://portal.health/problems/not-found");
        assertThat(get("/api/messages/not-a-uuid", stranger).status()).isEqualTo(400);
        assertThat(get("/api/messages", stranger).json()).isEmpty();
    }

    @Test
    void staffRoutesAreForStaffAndPatientRoutesForPatients() {
        assertThat(get("/internal/staff/messages/queue", tokens.patient(patient))
                        .status())
                .isEqualTo(403);
        assertThat(get("/api/messages", staff()).status()).isEqualTo(403);
        assertThat(get("/internal/staff/messages/queue", tokens.staffThroughPatientPortal())
                        .status())
                .isEqualTo(403);
        assertThat(get("/api/messages", null).status()).isEqualTo(401);
    }

    @Test
    void aPatientWithoutTheCurrentTermsGetsNothing() {
        Answer answer = get("/api/messages", tokens.patient(patient, "old-terms"));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().path("type").asString())
                .isEqualTo("https://portal.health/problems/terms-acceptance-required");
        assertThat(answer.json().path("currentVersion").asString())
                .isEqualTo(health.portal.testsupport.TestTokens.TERMS_VERSION);
    }

    @Test
    void requestBodiesUpToFiveMebibytesAreRead() {
        // three attachments of 1 MB in base64 are ~4 MB: accepted; 6 MB is refused before it is read
        Map<String, Object> three = with(
                "attachments",
                List.of(
                        file("application/pdf", 1024 * 1024),
                        file("image/jpeg", 1024 * 1024),
                        file("text/plain", 1024 * 1024)));
        assertThat(compose(patient, three).status()).isEqualTo(201);
        Answer tooLarge = compose(patient, with("body", "x".repeat(6 * 1024 * 1024)));
        assertThat(tooLarge.status()).isEqualTo(413);
    }
}
