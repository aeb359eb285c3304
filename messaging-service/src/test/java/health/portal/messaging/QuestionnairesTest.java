package health.portal.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.AssignmentKind;
import health.portal.proto.events.v1.QuestionnaireAssigned;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/** Surveys and lessons: assigned by staff, answered (filed in the EMR) or read, the survey preference honoured. */
class QuestionnairesTest extends MessagingTestBase {

    private Answer assign(String patient, String questionnaire, String kind) {
        return post(
                "/internal/staff/questionnaires",
                staff(),
                Map.of("patientId", patient, "questionnaireId", questionnaire, "kind", kind));
    }

    @Test
    void aSurveyIsAnsweredAndFiledOnce() throws Exception {
        String patient = newPatient();
        Answer assigned = assign(patient, TestRecordsServer.SURVEY, "survey");
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
        String id = assigned.json().path("id").asString();
        await(
                "QuestionnaireAssigned",
                () -> !payloads(id, QuestionnaireAssigned.class).isEmpty());
        assertThat(payloads(id, QuestionnaireAssigned.class).getFirst().getKind())
                .isEqualTo(AssignmentKind.ASSIGNMENT_KIND_SURVEY);

        JsonNode list = get("/api/questionnaires", tokens.patient(patient)).json();
        assertThat(list.get(0).path("title").asString()).isEqualTo("How have you been feeling?");
        assertThat(list.get(0).path("status").asString()).isEqualTo("assigned");
        JsonNode form =
                get("/api/questionnaires/" + id, tokens.patient(patient)).json();
        assertThat(form.path("items").get(0).path("options").toString()).contains("Several days");

        Answer missingRequired = post(
                "/api/questionnaires/" + id + "/response",
                tokens.patient(patient),
                Map.of("answers", List.of(Map.of("linkId", "notes", "value", "fine"))));
        assertThat(missingRequired.status()).isEqualTo(400);
        Answer badOption = post(
                "/api/questionnaires/" + id + "/response",
                tokens.patient(patient),
                Map.of("answers", List.of(Map.of("linkId", "mood", "value", "Always"))));
        assertThat(badOption.status()).isEqualTo(400);
        assertThat(records.responses).doesNotContainKey(id);

        Answer answered = post(
                "/api/questionnaires/" + id + "/response",
                tokens.patient(patient),
                Map.of(
                        "answers",
                        List.of(
                                Map.of("linkId", "mood", "value", "Several days"),
                                Map.of("linkId", "notes", "value", "Tired"))));
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        assertThat(answered.json().path("status").asString()).isEqualTo("completed");
        assertThat(records.responses.get(id).getAnswersList())
                .extracting(a -> a.getValue())
                .containsExactly("Several days", "Tired");
        assertThat(records.responses.get(id).getQuestionnaireId()).isEqualTo(TestRecordsServer.SURVEY);
        assertThat(jdbc.queryForObject(
                        "SELECT count(*) FROM questionnaire_assignment WHERE id = ?::uuid"
                                + " AND status = 'COMPLETED' AND emr_response_id IS NOT NULL",
                        Integer.class,
                        id))
                .isOne();

        Answer again = post(
                "/api/questionnaires/" + id + "/response",
                tokens.patient(patient),
                Map.of("answers", List.of(Map.of("linkId", "mood", "value", "Not at all"))));
        assertThat(again.status()).isEqualTo(409);
        assertThat(get("/api/questionnaires/" + id, tokens.patient(newPatient()))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aLessonIsMarkedDone() {
        String patient = newPatient();
        String id = assign(patient, TestRecordsServer.LESSON, "lesson")
                .json()
                .path("id")
                .asString();
        assertThat(post(
                                "/api/questionnaires/" + id + "/response",
                                tokens.patient(patient),
                                Map.of("answers", List.of(Map.of("linkId", "intro", "value", "x"))))
                        .status())
                .isEqualTo(409);
        Answer done = post("/api/questionnaires/" + id + "/done", tokens.patient(patient), Map.of());
        assertThat(done.status()).isEqualTo(200);
        assertThat(get("/api/questionnaires", tokens.patient(patient))
                        .json()
                        .get(0)
                        .path("status")
                        .asString())
                .isEqualTo("completed");
        assertThat(post("/api/questionnaires/" + id + "/done", tokens.patient(newPatient()), Map.of())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void noSurveysMeansNoSurveysButLessonsStillCome() {
        String patient = newPatient();
        String open = assign(patient, TestRecordsServer.SURVEY, "survey")
                .json()
                .path("id")
                .asString();
        assertThat(get("/api/questionnaires/preferences", tokens.patient(patient))
                        .json()
                        .path("surveys")
                        .asBoolean())
                .isTrue();

        assertThat(put("/api/questionnaires/preferences", tokens.patient(patient), Map.of("surveys", false))
                        .status())
                .isEqualTo(200);
        Answer refused = assign(patient, TestRecordsServer.SURVEY, "survey");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("type").asString()).isEqualTo("https://portal.health/problems/surveys-declined");
        assertThat(assign(patient, TestRecordsServer.LESSON, "lesson").status()).isEqualTo(201);
        // the survey still open when the patient said no is no longer asked for
        assertThat(get("/api/questionnaires", tokens.patient(patient))
                        .json()
                        .findValues("status")
                        .toString())
                .contains("declined");
        assertThat(post(
                                "/api/questionnaires/" + open + "/response",
                                tokens.patient(patient),
                                Map.of("answers", List.of(Map.of("linkId", "mood", "value", "Not at all"))))
                        .status())
                .isEqualTo(409);

        // changeable at any time
        assertThat(put("/api/questionnaires/preferences", tokens.patient(patient), Map.of("surveys", true))
                        .status())
                .isEqualTo(200);
        assertThat(assign(patient, TestRecordsServer.SURVEY, "survey").status()).isEqualTo(201);
    }

    @Test
    void staffCanOnlyAssignWhatTheEmrHas() {
        String patient = newPatient();
        assertThat(assign(patient, "no-such-form", "survey").status()).isEqualTo(422);
        assertThat(assign(patient, TestRecordsServer.LESSON, "survey").status()).isEqualTo(400);
        assertThat(assign(patient, TestRecordsServer.SURVEY, "quiz").status()).isEqualTo(400);
        assertThat(post(
                                "/internal/staff/questionnaires",
                                frontDesk(),
                                Map.of(
                                        "patientId",
                                        patient,
                                        "questionnaireId",
                                        TestRecordsServer.SURVEY,
                                        "kind",
                                        "survey"))
                        .status())
                .isEqualTo(403);
    }
}
