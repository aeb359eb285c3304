package health.portal.messaging.questionnaires;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Assignments and the survey preference: ids and states only, the answers are in the EMR. */
@Repository
class Assignments {

    private static final String COLUMNS = "id, patient_id, questionnaire_id, kind, status, assigned_by, assigned_at,"
            + " completed_at, emr_response_id, version";

    private final JdbcClient jdbc;

    Assignments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Assignment a) {
        jdbc.sql("INSERT INTO questionnaire_assignment (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")
                .params(
                        a.id,
                        a.patientId,
                        a.questionnaireId,
                        a.kind.name(),
                        a.status().name(),
                        a.assignedBy,
                        ts(a.assignedAt),
                        ts(a.completedAt()),
                        a.emrResponseId())
                .update();
    }

    void update(Assignment a) {
        int updated = jdbc.sql("UPDATE questionnaire_assignment SET status = ?, completed_at = ?, emr_response_id = ?,"
                        + " version = version + 1 WHERE id = ? AND version = ?")
                .params(a.status().name(), ts(a.completedAt()), a.emrResponseId(), a.id, a.version)
                .update();
        if (updated != 1) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "concurrent-change",
                    "Changed meanwhile",
                    "Someone else changed this at the same moment. Please reload and try again.");
        }
    }

    Optional<Assignment> ofPatient(UUID id, String patientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM questionnaire_assignment WHERE id = ? AND patient_id = ?")
                .params(id, patientId)
                .query(Assignments::assignment)
                .optional();
    }

    List<Assignment> ofPatient(String patientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM questionnaire_assignment WHERE patient_id = ?"
                        + " ORDER BY assigned_at DESC")
                .param(patientId)
                .query(Assignments::assignment)
                .list();
    }

    /** Surveys by default: only a patient's explicit "no" stops them. */
    boolean surveysWanted(String patientId) {
        return jdbc.sql("SELECT surveys FROM survey_preference WHERE patient_id = ?")
                .param(patientId)
                .query(Boolean.class)
                .optional()
                .orElse(true);
    }

    void surveysWanted(String patientId, boolean surveys, Instant now) {
        jdbc.sql("INSERT INTO survey_preference (patient_id, surveys, updated_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT (patient_id) DO UPDATE SET surveys = EXCLUDED.surveys,"
                        + " updated_at = EXCLUDED.updated_at")
                .params(patientId, surveys, ts(now))
                .update();
    }

    /** Serialises a patient's preference change against a survey being assigned at the same moment. */
    void lockPatient(String patientId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext('survey:' || ?))")
                .param(patientId)
                .query()
                .singleRow();
    }

    private static Assignment assignment(ResultSet rs, int row) throws SQLException {
        return new Assignment(
                rs.getObject("id", UUID.class),
                rs.getString("patient_id"),
                rs.getString("questionnaire_id"),
                Assignment.Kind.valueOf(rs.getString("kind")),
                rs.getString("assigned_by"),
                rs.getTimestamp("assigned_at").toInstant(),
                Assignment.Status.valueOf(rs.getString("status")),
                instant(rs.getTimestamp("completed_at")),
                rs.getString("emr_response_id"),
                rs.getLong("version"));
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
