package health.portal.messaging.threads;

/** The seed's emergency wording, on every compose answer and the recipients list. */
final class Emergency {

    static final String NOTICE = "Messages are for non-urgent matters only. If you have an emergency, call 9-1-1"
            + " or go to the nearest emergency room.";

    static final String WARNING = "What you wrote may describe an emergency. Call 9-1-1 now or go to the nearest"
            + " emergency room; do not wait for an answer to this message. Your message has been delivered and"
            + " marked urgent.";

    private Emergency() {}
}
