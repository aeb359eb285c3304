package health.portal.records.audit;

import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.Outcome;
import health.portal.records.access.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Publishes one AuditEvent per call, straight to Kafka (records-service has no database, so no outbox): who, which
 * patient, which action, what outcome; never clinical content.
 *
 * <p>Fail closed: {@link #record} waits for the broker's acknowledgement (idempotent producer, acks=all) and throws
 * when there is none in time. Callers run it <em>before</em> they hand out data, so an access that cannot be
 * audited does not happen: a patient portal must be able to tell every access to a record, and a read we cannot
 * account for is worse than a read refused.
 */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final DirectEventPublisher events;
    private final Duration timeout;

    public AuditTrail(DirectEventPublisher events, @Value("${records.audit.timeout:5s}") Duration timeout) {
        this.events = events;
        this.timeout = timeout;
    }

    /** Writes the audit event and waits for the broker; throws {@link AuditUnavailableException} otherwise. */
    public void record(String action, String resource, String patientId, Outcome outcome, String detail) {
        RequestContext ctx = RequestContext.current();
        AuditEvent event = AuditEvent.newBuilder()
                .setActorId(ctx.caller().subject())
                .setActorType(ctx.caller().actorType())
                // staff are named people: their user ID goes into the patient's access log
                .setActorName(
                        ctx.caller().actorType() == ActorType.STAFF
                                        && ctx.caller().username() != null
                                ? ctx.caller().username()
                                : "")
                .setPatientId(patientId)
                .setAction(action)
                .setResource(resource)
                .setOutcome(outcome)
                .setClientIp(ctx.clientIp())
                .setUserAgent(ctx.userAgent())
                .setDetail(detail)
                .build();
        EventEnvelope envelope = events.envelope(event, patientId, ctx.correlationId());
        try {
            events.sendAndWait(Topics.AUDIT_EVENTS, patientId, envelope, timeout);
        } catch (DirectEventPublisher.EventNotSentException e) {
            log.error(
                    "Audit event for {} could not be written ({}); refusing the access",
                    action,
                    e.getCause().getClass().getSimpleName());
            throw new AuditUnavailableException(e);
        }
    }
}
