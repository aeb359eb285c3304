package health.portal.messaging.threads;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import java.time.Instant;
import java.util.UUID;

/**
 * A conversation between one patient and the care team: who has it, the clock, and whose turn it is. Its status
 * changes only through these methods, each of which refuses what its state does not allow.
 */
final class MessageThread {

    enum StartedBy {
        PATIENT,
        CARE_TEAM
    }

    final UUID id;
    final String patientId;
    final Category category;
    final StartedBy startedBy;
    final Instant openedAt;
    final String chosenRef;
    final String practiceRef;
    private String assignedRef;
    private boolean routedToCovering;
    private ThreadStatus status;
    private boolean urgent;
    private boolean overdue;
    private Instant dueAt;
    private Instant lastMessageAt;
    private boolean patientUnread;
    private boolean careTeamUnread;
    final long version;

    MessageThread(
            UUID id,
            String patientId,
            Category category,
            StartedBy startedBy,
            Instant openedAt,
            String chosenRef,
            String practiceRef,
            String assignedRef,
            boolean routedToCovering,
            ThreadStatus status,
            boolean urgent,
            boolean overdue,
            Instant dueAt,
            Instant lastMessageAt,
            boolean patientUnread,
            boolean careTeamUnread,
            long version) {
        this.id = id;
        this.patientId = patientId;
        this.category = category;
        this.startedBy = startedBy;
        this.openedAt = openedAt;
        this.chosenRef = chosenRef;
        this.practiceRef = practiceRef;
        this.assignedRef = assignedRef;
        this.routedToCovering = routedToCovering;
        this.status = status;
        this.urgent = urgent;
        this.overdue = overdue;
        this.dueAt = dueAt;
        this.lastMessageAt = lastMessageAt;
        this.patientUnread = patientUnread;
        this.careTeamUnread = careTeamUnread;
        this.version = version;
    }

    /** A patient's new message, routed and on the clock. */
    static MessageThread openedByPatient(
            String patientId,
            Category category,
            Routing.Route route,
            String practiceRef,
            boolean urgent,
            Instant now,
            Instant dueAt) {
        return new MessageThread(
                UUID.randomUUID(),
                patientId,
                category,
                StartedBy.PATIENT,
                now,
                route.chosen(),
                practiceRef,
                route.assignedTo(),
                route.toCovering(),
                ThreadStatus.OPEN,
                urgent,
                false,
                dueAt,
                now,
                false,
                true,
                0);
    }

    /** A thread a clinician starts: the patient's turn, nobody's clock. */
    static MessageThread startedByCareTeam(String patientId, String assignedRef, String practiceRef, Instant now) {
        return new MessageThread(
                UUID.randomUUID(),
                patientId,
                Category.OTHER,
                StartedBy.CARE_TEAM,
                now,
                assignedRef,
                practiceRef,
                assignedRef,
                false,
                ThreadStatus.ANSWERED,
                false,
                false,
                null,
                now,
                true,
                false,
                0);
    }

    /**
     * The patient wrote again: the care team's turn. After an answer the clock starts afresh; while the care team
     * still owes one it keeps running, so that writing more never pushes an answer further away.
     */
    void patientWrote(Instant now, Instant newDueAt, boolean urgentNow) {
        requireNotClosed();
        if (status != ThreadStatus.OPEN || dueAt == null) {
            status = ThreadStatus.OPEN;
            overdue = false;
            dueAt = newDueAt;
        }
        urgent = urgent || urgentNow;
        lastMessageAt = now;
        careTeamUnread = true;
    }

    /** The care team answered: the clock stops. */
    void careTeamAnswered(Instant now) {
        requireNotClosed();
        status = ThreadStatus.ANSWERED;
        overdue = false;
        urgent = false;
        lastMessageAt = now;
        patientUnread = true;
        careTeamUnread = false;
    }

    /** Due without an answer: true the first time only, so that the alert goes out once per wait. */
    boolean markOverdue(Instant now) {
        if (status != ThreadStatus.OPEN || overdue || dueAt == null || dueAt.isAfter(now)) {
            return false;
        }
        overdue = true;
        return true;
    }

    void reassign(String to) {
        requireNotClosed();
        assignedRef = to;
        routedToCovering = false;
    }

    void close() {
        requireNotClosed();
        status = ThreadStatus.CLOSED;
        overdue = false;
    }

    void readByPatient(boolean read) {
        patientUnread = !read;
    }

    void readByCareTeam() {
        careTeamUnread = false;
    }

    private void requireNotClosed() {
        if (status == ThreadStatus.CLOSED) {
            throw closed();
        }
    }

    static ErrorResponseException closed() {
        return Problems.exception(
                HttpStatus.CONFLICT,
                "thread-closed",
                "Conversation closed",
                "This conversation has been closed. Please start a new message.");
    }

    String assignedRef() {
        return assignedRef;
    }

    boolean routedToCovering() {
        return routedToCovering;
    }

    ThreadStatus status() {
        return status;
    }

    boolean urgent() {
        return urgent;
    }

    boolean overdue() {
        return overdue;
    }

    Instant dueAt() {
        return dueAt;
    }

    Instant lastMessageAt() {
        return lastMessageAt;
    }

    boolean patientUnread() {
        return patientUnread;
    }

    boolean careTeamUnread() {
        return careTeamUnread;
    }
}
