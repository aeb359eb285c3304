package health.portal.billing.audit;

import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.Outcome;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What billing does about a patient goes to the patient's access log (identity-service reads
 * {@code portal.audit.events}), through the outbox in the caller's transaction: recorded if and only if it happened.
 * Identifiers and outcomes only.
 */
@Component
public class AuditTrail {

    private final OutboxPublisher outbox;

    AuditTrail(OutboxPublisher outbox) {
        this.outbox = outbox;
    }

    @Transactional
    public void record(Actor actor, String patientId, String action, String resource, String detail) {
        AuditEvent event = AuditEvent.newBuilder()
                .setActorId(nullToEmpty(actor.id()))
                .setActorType(actor.type())
                .setActorName(actor.type() == ActorType.STAFF ? nullToEmpty(actor.name()) : "")
                .setPatientId(patientId)
                .setAction(action)
                .setResource(resource)
                .setOutcome(Outcome.SUCCESS)
                .setClientIp(nullToEmpty(actor.clientIp()))
                .setUserAgent(nullToEmpty(actor.userAgent()))
                .setDetail(nullToEmpty(detail))
                .build();
        outbox.publish(Topics.AUDIT_EVENTS, patientId, event, patientId);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
