package health.portal.messaging.threads;

/** Where a thread stands: waiting for the care team, answered (waiting for nobody), or closed by a clinician. */
enum ThreadStatus {
    OPEN,
    ANSWERED,
    CLOSED
}
