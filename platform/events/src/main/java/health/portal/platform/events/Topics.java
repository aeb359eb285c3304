package health.portal.platform.events;

/** Kafka topic names shared by every service (see docs/architecture.md). */
public final class Topics {

    /** identity-service: PatientEnrolled, AccessTerminated. */
    public static final String IDENTITY_EVENTS = "portal.identity.events";
    /** Every service: AuditEvent (one access to the system or to health data). */
    public static final String AUDIT_EVENTS = "portal.audit.events";
    /** Gateway: SecurityEvent (break-in monitoring signals). */
    public static final String SECURITY_EVENTS = "portal.security.events";
    /**
     * identity-service: AccessLogHead, the access log's newest entry; compacted, one key, so the latest head stays
     * readable outside the identity database for as long as the topic exists.
     */
    public static final String ACCESS_LOG_HEAD = "portal.identity.access-log-head";

    /**
     * Appended to a topic's name for its dead-letter topic. Lower case and dot-separated like the portal's own topic
     * names, so that broker ACLs and retention set per prefix ({@code portal.audit.events*}) cover the dead letters.
     */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    private Topics() {}

    /** The dead-letter topic of {@code topic}: where its records go that no retry could handle. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    public static boolean isDeadLetter(String topic) {
        return topic.endsWith(DEAD_LETTER_SUFFIX);
    }

    /** The topic a dead-letter topic belongs to; the topic itself when it is not a dead-letter topic. */
    public static String original(String topic) {
        return isDeadLetter(topic) ? topic.substring(0, topic.length() - DEAD_LETTER_SUFFIX.length()) : topic;
    }
}
