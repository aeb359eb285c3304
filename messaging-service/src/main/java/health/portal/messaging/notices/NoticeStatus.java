package health.portal.messaging.notices;

enum NoticeStatus {
    /** Waiting for its (next) attempt. */
    PENDING,
    SENT,
    /** identity-service knows no address: the patient has no active portal account. */
    NO_ADDRESS,
    /** A survey notice to a patient who turned survey notices off. */
    OPTED_OUT;

    boolean done() {
        return this != PENDING;
    }
}
