package health.portal.messaging.questionnaires;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;

import java.time.Instant;
import java.util.UUID;

/** A survey or a lesson assigned to a patient: assigned, then completed (answered or read), or declined. */
final class Assignment {

    enum Kind {
        SURVEY,
        LESSON
    }

    enum Status {
        ASSIGNED,
        COMPLETED,
        DECLINED
    }

    final UUID id;
    final String patientId;
    final String questionnaireId;
    final Kind kind;
    final String assignedBy;
    final Instant assignedAt;
    private Status status;
    private Instant completedAt;
    private String emrResponseId;
    final long version;

    Assignment(
            UUID id,
            String patientId,
            String questionnaireId,
            Kind kind,
            String assignedBy,
            Instant assignedAt,
            Status status,
            Instant completedAt,
            String emrResponseId,
            long version) {
        this.id = id;
        this.patientId = patientId;
        this.questionnaireId = questionnaireId;
        this.kind = kind;
        this.assignedBy = assignedBy;
        this.assignedAt = assignedAt;
        this.status = status;
        this.completedAt = completedAt;
        this.emrResponseId = emrResponseId;
        this.version = version;
    }

    static Assignment assign(String patientId, String questionnaireId, Kind kind, String assignedBy, Instant now) {
        return new Assignment(
                UUID.randomUUID(), patientId, questionnaireId, kind, assignedBy, now, Status.ASSIGNED, null, null, 0);
    }

    /** Refuses unless this is a survey still open for answers (checked before the answers go to the EMR). */
    void requireAnswerable() {
        require(Kind.SURVEY);
        requireAssigned();
    }

    /** A survey's answers are in the EMR. */
    void answered(String responseId, Instant now) {
        requireAnswerable();
        status = Status.COMPLETED;
        emrResponseId = responseId;
        completedAt = now;
    }

    /** A lesson was read. */
    void done(Instant now) {
        require(Kind.LESSON);
        requireAssigned();
        status = Status.COMPLETED;
        completedAt = now;
    }

    /** The patient chose no surveys: an open survey is no longer asked for. */
    boolean decline() {
        if (kind != Kind.SURVEY || status != Status.ASSIGNED) {
            return false;
        }
        status = Status.DECLINED;
        return true;
    }

    private void require(Kind expected) {
        if (kind != expected) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "wrong-questionnaire-kind",
                    "Not a " + expected.name().toLowerCase(),
                    kind == Kind.SURVEY ? "A survey is answered, not marked done." : "A lesson has no answers.");
        }
    }

    private void requireAssigned() {
        if (status != Status.ASSIGNED) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "questionnaire-not-open",
                    "Already " + status.name().toLowerCase(),
                    "This questionnaire is no longer open.");
        }
    }

    Status status() {
        return status;
    }

    Instant completedAt() {
        return completedAt;
    }

    String emrResponseId() {
        return emrResponseId;
    }
}
