package health.portal.messaging.threads;

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

/** Threads and their messages' workflow rows (no text: that is in the EMR). */
@Repository
class Threads {

    enum Direction {
        FROM_PATIENT,
        TO_PATIENT
    }

    /** One message's workflow row: the EMR's Communication id once filed. */
    record MessageRow(
            UUID id,
            UUID threadId,
            Direction direction,
            String senderRef,
            String recipientRef,
            Instant sentAt,
            String emrCommunicationId,
            UUID inResponseTo) {}

    private static final String COLUMNS = "id, patient_id, category, started_by, opened_at, chosen_ref, practice_ref,"
            + " assigned_ref, routed_to_covering, status, urgent, overdue, due_at, last_message_at, patient_unread,"
            + " care_team_unread, version";

    private final JdbcClient jdbc;

    Threads(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(MessageThread t) {
        jdbc.sql("INSERT INTO message_thread (" + COLUMNS + ") VALUES (:id, :patient, :category, :startedBy, :opened,"
                        + " :chosen, :practice, :assigned, :covering, :status, :urgent, :overdue, :due, :last,"
                        + " :patientUnread, :careTeamUnread, 0)")
                .param("id", t.id)
                .param("patient", t.patientId)
                .param("category", t.category.code)
                .param("startedBy", t.startedBy.name())
                .param("opened", ts(t.openedAt))
                .param("chosen", t.chosenRef)
                .param("practice", t.practiceRef)
                .param("assigned", t.assignedRef())
                .param("covering", t.routedToCovering())
                .param("status", t.status().name())
                .param("urgent", t.urgent())
                .param("overdue", t.overdue())
                .param("due", ts(t.dueAt()))
                .param("last", ts(t.lastMessageAt()))
                .param("patientUnread", t.patientUnread())
                .param("careTeamUnread", t.careTeamUnread())
                .update();
        addParticipant(t.id, "Patient/" + t.patientId);
        addParticipant(t.id, t.assignedRef());
    }

    /** Saves a changed thread; refuses when someone else changed it since it was read. */
    void update(MessageThread t) {
        int updated = jdbc.sql("UPDATE message_thread SET assigned_ref = :assigned, routed_to_covering = :covering,"
                        + " status = :status, urgent = :urgent, overdue = :overdue, due_at = :due,"
                        + " last_message_at = :last, patient_unread = :patientUnread,"
                        + " care_team_unread = :careTeamUnread, version = version + 1"
                        + " WHERE id = :id AND version = :version")
                .param("assigned", t.assignedRef())
                .param("covering", t.routedToCovering())
                .param("status", t.status().name())
                .param("urgent", t.urgent())
                .param("overdue", t.overdue())
                .param("due", ts(t.dueAt()))
                .param("last", ts(t.lastMessageAt()))
                .param("patientUnread", t.patientUnread())
                .param("careTeamUnread", t.careTeamUnread())
                .param("id", t.id)
                .param("version", t.version)
                .update();
        if (updated != 1) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "concurrent-change",
                    "Changed meanwhile",
                    "Someone else changed this at the same moment. Please reload and try again.");
        }
        addParticipant(t.id, t.assignedRef());
    }

    void addParticipant(UUID threadId, String reference) {
        jdbc.sql("INSERT INTO thread_participant (thread_id, reference) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(threadId, reference)
                .update();
    }

    Optional<MessageThread> find(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM message_thread WHERE id = ?")
                .param(id)
                .query(Threads::thread)
                .optional();
    }

    /** The patient's own thread only: another patient's is as absent as an unknown one. */
    Optional<MessageThread> findOfPatient(UUID id, String patientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM message_thread WHERE id = ? AND patient_id = ?")
                .params(id, patientId)
                .query(Threads::thread)
                .optional();
    }

    List<MessageThread> ofPatient(String patientId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM message_thread WHERE patient_id = ? ORDER BY last_message_at DESC")
                .param(patientId)
                .query(Threads::thread)
                .list();
    }

    /** The work queue: open threads, urgent first, then overdue, then by due date. */
    List<MessageThread> queue(String practiceRef) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM message_thread WHERE status = 'OPEN'"
                        + " AND (CAST(:practice AS varchar) IS NULL OR practice_ref = :practice)"
                        + " ORDER BY urgent DESC, overdue DESC, due_at ASC NULLS LAST, opened_at ASC LIMIT 500")
                .param("practice", practiceRef)
                .query(Threads::thread)
                .list();
    }

    /** Open threads past due and not yet marked, locked for this transaction (other replicas skip them). */
    List<MessageThread> pastDueUnmarked(Instant now, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM message_thread WHERE status = 'OPEN' AND NOT overdue"
                        + " AND due_at <= ? ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(ts(now), limit)
                .query(Threads::thread)
                .list();
    }

    void insertMessage(MessageRow m) {
        jdbc.sql("INSERT INTO message (id, thread_id, direction, sender_ref, recipient_ref, sent_at, in_response_to)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        m.id(),
                        m.threadId(),
                        m.direction().name(),
                        m.senderRef(),
                        m.recipientRef(),
                        ts(m.sentAt()),
                        m.inResponseTo())
                .update();
        addParticipant(m.threadId(), m.senderRef());
    }

    List<MessageRow> messages(UUID threadId) {
        return jdbc.sql("SELECT id, thread_id, direction, sender_ref, recipient_ref, sent_at, emr_communication_id,"
                        + " in_response_to FROM message WHERE thread_id = ? ORDER BY sent_at, id")
                .param(threadId)
                .query(Threads::message)
                .list();
    }

    Optional<MessageRow> message(UUID id) {
        return jdbc.sql("SELECT id, thread_id, direction, sender_ref, recipient_ref, sent_at, emr_communication_id,"
                        + " in_response_to FROM message WHERE id = ?")
                .param(id)
                .query(Threads::message)
                .optional();
    }

    Optional<UUID> lastMessage(UUID threadId) {
        return jdbc.sql("SELECT id FROM message WHERE thread_id = ? ORDER BY sent_at DESC, id DESC LIMIT 1")
                .param(threadId)
                .query(UUID.class)
                .optional();
    }

    void filed(UUID messageId, String communicationId) {
        jdbc.sql("UPDATE message SET emr_communication_id = ? WHERE id = ?")
                .params(communicationId, messageId)
                .update();
    }

    private static MessageThread thread(ResultSet rs, int row) throws SQLException {
        return new MessageThread(
                rs.getObject("id", UUID.class),
                rs.getString("patient_id"),
                Category.ofCode(rs.getString("category")).orElse(Category.OTHER),
                MessageThread.StartedBy.valueOf(rs.getString("started_by")),
                instant(rs.getTimestamp("opened_at")),
                rs.getString("chosen_ref"),
                rs.getString("practice_ref"),
                rs.getString("assigned_ref"),
                rs.getBoolean("routed_to_covering"),
                ThreadStatus.valueOf(rs.getString("status")),
                rs.getBoolean("urgent"),
                rs.getBoolean("overdue"),
                instant(rs.getTimestamp("due_at")),
                instant(rs.getTimestamp("last_message_at")),
                rs.getBoolean("patient_unread"),
                rs.getBoolean("care_team_unread"),
                rs.getLong("version"));
    }

    private static MessageRow message(ResultSet rs, int row) throws SQLException {
        return new MessageRow(
                rs.getObject("id", UUID.class),
                rs.getObject("thread_id", UUID.class),
                Direction.valueOf(rs.getString("direction")),
                rs.getString("sender_ref"),
                rs.getString("recipient_ref"),
                instant(rs.getTimestamp("sent_at")),
                rs.getString("emr_communication_id"),
                rs.getObject("in_response_to", UUID.class));
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
