package health.portal.messaging.questionnaires;

import health.portal.messaging.records.RecordsClient;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.FieldProblem;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.AssignmentKind;
import health.portal.proto.events.v1.QuestionnaireAssigned;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.QuestionnaireAnswer;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireItem;
import health.portal.proto.records.v1.QuestionnaireKind;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Surveys and lessons: staff assign, the patient answers or reads, the survey preference is honoured. */
@Service
class Questionnaires {

    record Answer(String linkId, String value) {}

    private final Assignments assignments;
    private final RecordsClient records;
    private final OutboxPublisher outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Questionnaires(
            Assignments assignments,
            RecordsClient records,
            OutboxPublisher outbox,
            TransactionTemplate transactions,
            Clock clock) {
        this.assignments = assignments;
        this.records = records;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    Assignment assign(String patientId, String questionnaireId, Assignment.Kind kind, String assignedBy) {
        QuestionnaireForm form = records.questionnaire(patientId, questionnaireId)
                .orElseThrow(() -> Problems.exception(
                        HttpStatus.UNPROCESSABLE_CONTENT,
                        "unknown-questionnaire",
                        "Unknown questionnaire",
                        "The EMR has no questionnaire " + questionnaireId + "."));
        if (form.getKind() != QuestionnaireKind.QUESTIONNAIRE_KIND_UNSPECIFIED && kindOf(form) != kind) {
            throw Problems.field(
                    "kind", "This questionnaire is a " + kindOf(form).name().toLowerCase() + ".");
        }
        return transactions.execute(status -> {
            assignments.lockPatient(patientId);
            if (kind == Assignment.Kind.SURVEY && !assignments.surveysWanted(patientId)) {
                throw Problems.exception(
                        HttpStatus.CONFLICT,
                        "surveys-declined",
                        "Surveys declined",
                        "This patient has chosen not to receive surveys.");
            }
            Assignment assignment = Assignment.assign(patientId, questionnaireId, kind, assignedBy, clock.instant());
            assignments.insert(assignment);
            outbox.publish(
                    Topics.MESSAGING_EVENTS,
                    patientId,
                    QuestionnaireAssigned.newBuilder()
                            .setAssignmentId(assignment.id.toString())
                            .setPatientId(patientId)
                            .setKind(
                                    kind == Assignment.Kind.SURVEY
                                            ? AssignmentKind.ASSIGNMENT_KIND_SURVEY
                                            : AssignmentKind.ASSIGNMENT_KIND_LESSON)
                            .build(),
                    patientId);
            return assignment;
        });
    }

    List<Assignment> ofPatient(String patientId) {
        return assignments.ofPatient(patientId);
    }

    Assignment assignment(String patientId, UUID id) {
        return assignments.ofPatient(id, patientId).orElseThrow(Questionnaires::notFound);
    }

    QuestionnaireForm form(Assignment assignment) {
        return records.questionnaire(assignment.patientId, assignment.questionnaireId)
                .orElseThrow(Questionnaires::notFound);
    }

    /** Files the answers (idempotent by the assignment id, so a retry after a lost answer files them once). */
    Assignment answer(String patientId, UUID id, List<Answer> answers) {
        Assignment assignment = assignment(patientId, id);
        assignment.requireAnswerable();
        QuestionnaireForm form = form(assignment);
        check(form, answers);
        Instant now = clock.instant();
        String responseId = records.fileResponse(FileQuestionnaireResponseRequest.newBuilder()
                .setPatientId(patientId)
                .setIdempotencyKey(assignment.id.toString())
                .setQuestionnaireId(assignment.questionnaireId)
                .addAllAnswers(answers.stream()
                        .map(a -> QuestionnaireAnswer.newBuilder()
                                .setLinkId(a.linkId())
                                .setValue(a.value())
                                .build())
                        .toList())
                .setAuthoredAt(Envelopes.timestamp(now))
                .build());
        assignment.answered(responseId, now);
        assignments.update(assignment);
        return assignment;
    }

    Assignment done(String patientId, UUID id) {
        Assignment assignment = assignment(patientId, id);
        assignment.done(clock.instant());
        assignments.update(assignment);
        return assignment;
    }

    boolean surveysWanted(String patientId) {
        return assignments.surveysWanted(patientId);
    }

    /** Changeable at any time; saying no declines the surveys still open. */
    void surveysWanted(String patientId, boolean surveys) {
        transactions.executeWithoutResult(status -> {
            assignments.lockPatient(patientId);
            assignments.surveysWanted(patientId, surveys, clock.instant());
            if (!surveys) {
                for (Assignment a : assignments.ofPatient(patientId)) {
                    if (a.decline()) {
                        assignments.update(a);
                    }
                }
            }
        });
    }

    private static void check(QuestionnaireForm form, List<Answer> answers) {
        Map<String, QuestionnaireItem> items = form.getItemsList().stream()
                .filter(i -> !"display".equals(i.getType()))
                .collect(Collectors.toMap(QuestionnaireItem::getLinkId, Function.identity(), (a, b) -> a));
        List<FieldProblem> problems = new ArrayList<>();
        Set<String> answered = answers.stream().map(Answer::linkId).collect(Collectors.toSet());
        for (int i = 0; i < answers.size(); i++) {
            Answer answer = answers.get(i);
            QuestionnaireItem item = items.get(answer.linkId());
            if (item == null) {
                problems.add(new FieldProblem("answers[" + i + "].linkId", "No such question."));
            } else if (item.getOptionsCount() > 0 && !item.getOptionsList().contains(answer.value())) {
                problems.add(new FieldProblem("answers[" + i + "].value", "Choose one of the options."));
            } else if ("boolean".equals(item.getType())
                    && !Set.of("true", "false").contains(answer.value())) {
                problems.add(new FieldProblem("answers[" + i + "].value", "true or false."));
            } else if ("integer".equals(item.getType()) && !answer.value().matches("-?\\d{1,9}")) {
                problems.add(new FieldProblem("answers[" + i + "].value", "A whole number."));
            }
        }
        items.values().stream()
                .filter(item -> item.getRequired() && !answered.contains(item.getLinkId()))
                .forEach(item -> problems.add(
                        new FieldProblem("answers", "Question " + item.getLinkId() + " needs an answer.")));
        if (!problems.isEmpty()) {
            throw Problems.fields(problems);
        }
    }

    static Assignment.Kind kindOf(QuestionnaireForm form) {
        return form.getKind() == QuestionnaireKind.QUESTIONNAIRE_KIND_LESSON
                ? Assignment.Kind.LESSON
                : Assignment.Kind.SURVEY;
    }

    static ErrorResponseException notFound() {
        return Problems.exception(
                HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "There is no such questionnaire.");
    }
}
