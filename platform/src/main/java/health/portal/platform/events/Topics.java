package health.portal.platform.events;

/** Kafka topic names shared by every service (see docs/architecture.md). */
public final class Topics {

    /** identity-service: PatientEnrolled, AccessTerminated. */
    public static final String IDENTITY_EVENTS = "portal.identity.events";
    /** Every service: AuditEvent (one access to the system or to health data). */
    public static final String AUDIT_EVENTS = "portal.audit.events";
    /** Gateway: SecurityEvent (break-in monitoring signals). */
    public static final String SECURITY_EVENTS = "portal.security.events";

    private Topics() {}
}
