package health.portal.platform.events;

/** Kafka topic names shared by every service (see docs/architecture.md). */
public final class Topics {

    /** identity-service: PatientEnrolled, AccessTerminated. */
    public static final String IDENTITY_EVENTS = "portal.identity.events";
    /** Every service: AuditEvent (one access to the system or to health data). */
    public static final String AUDIT_EVENTS = "portal.audit.events";
    /**
     * messaging-service: PatientMessageReceived, CareTeamMessageSent, ResponseOverdue, QuestionnaireAssigned (ids
     * only, never a subject or a body).
     */
    public static final String MESSAGING_EVENTS = "portal.messaging.events";
    /** records-service: NewInformationAvailable (the patient id and the kind, nothing of the record). */
    public static final String RECORDS_EVENTS = "portal.records.events";
    /** billing-service: StatementIssued (ids and the delivery, never an amount or what a charge was for). */
    public static final String BILLING_EVENTS = "portal.billing.events";
    /** Gateway: SecurityEvent (break-in monitoring signals). */
    public static final String SECURITY_EVENTS = "portal.security.events";
    /**
     * identity-service: AccessLogHead, the access log's newest entry; compacted, one key, so the latest head stays
     * readable outside the identity database for as long as the topic exists.
     */
    public static final String ACCESS_LOG_HEAD = "portal.identity.access-log-head";
    /**
     * identity-service: TermsPublished, the current version of the terms of use; compacted, one key ({@link
     * #TERMS_KEY}), read from the start by the gateway and records-service, which refuse patient data until they know
     * it.
     */
    public static final String TERMS_CURRENT = "portal.identity.terms-current";
    /** The one record key of {@link #TERMS_CURRENT}: compaction keeps the newest version only. */
    public static final String TERMS_KEY = "terms-of-use";

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
