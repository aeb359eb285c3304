package health.portal.messaging.notices;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** One notice to a patient for one event; it changes status only through these guarded methods. */
final class Notice {

    private final UUID id;
    private final String eventId;
    private final String patientId;
    private final NoticeKind kind;
    private NoticeStatus status;
    private int attempts;
    private Instant nextAttemptAt;
    private Instant doneAt;
    private String lastError;

    Notice(
            UUID id,
            String eventId,
            String patientId,
            NoticeKind kind,
            NoticeStatus status,
            int attempts,
            Instant nextAttemptAt,
            Instant doneAt,
            String lastError) {
        this.id = id;
        this.eventId = eventId;
        this.patientId = patientId;
        this.kind = kind;
        this.status = status;
        this.attempts = attempts;
        this.nextAttemptAt = nextAttemptAt;
        this.doneAt = doneAt;
        this.lastError = lastError;
    }

    static Notice pending(String eventId, String patientId, NoticeKind kind, Instant now) {
        return new Notice(UUID.randomUUID(), eventId, patientId, kind, NoticeStatus.PENDING, 0, now, null, null);
    }

    void sent(Instant now) {
        finish(NoticeStatus.SENT, now);
    }

    void noAddress(Instant now) {
        finish(NoticeStatus.NO_ADDRESS, now);
    }

    void optedOut(Instant now) {
        finish(NoticeStatus.OPTED_OUT, now);
    }

    /** A failed attempt (SMTP or identity-service away): tried again after a back-off doubling up to {@code max}. */
    void failed(Exception cause, Instant now, Duration initial, Duration max) {
        requirePending();
        attempts++;
        Duration backoff = initial.multipliedBy(1L << Math.min(attempts - 1, 20));
        nextAttemptAt = now.plus(backoff.compareTo(max) > 0 ? max : backoff);
        lastError = cause.getClass().getName();
    }

    private void finish(NoticeStatus outcome, Instant now) {
        requirePending();
        attempts++;
        status = outcome;
        doneAt = now;
    }

    private void requirePending() {
        if (status.done()) {
            throw new IllegalStateException("notice " + id + " is already " + status);
        }
    }

    UUID id() {
        return id;
    }

    String eventId() {
        return eventId;
    }

    String patientId() {
        return patientId;
    }

    NoticeKind kind() {
        return kind;
    }

    NoticeStatus status() {
        return status;
    }

    int attempts() {
        return attempts;
    }

    Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    Instant doneAt() {
        return doneAt;
    }

    String lastError() {
        return lastError;
    }
}
