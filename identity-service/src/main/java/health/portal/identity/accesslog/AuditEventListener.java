package health.portal.identity.accesslog;

import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.inbox.ProcessedEvents;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Record accesses (and other audited actions about a patient) from {@code portal.audit.events}, once per event. */
@Component
public class AuditEventListener {

    static final String CONSUMER = "identity-service.access-log";

    private final ProcessedEvents inbox;
    private final AccessLog accessLog;

    public AuditEventListener(ProcessedEvents inbox, AccessLog accessLog) {
        this.inbox = inbox;
        this.accessLog = accessLog;
    }

    @KafkaListener(topics = Topics.AUDIT_EVENTS, groupId = "${portal.access-log.audit-consumer-group}")
    public void on(EventEnvelope envelope) {
        if (envelope == null) {
            return;
        }
        Envelopes.payload(envelope, AuditEvent.class).ifPresent(audit -> {
            String patientId = !audit.getPatientId().isBlank() ? audit.getPatientId() : envelope.getSubjectPatientId();
            if (patientId.isBlank()) {
                return; // not about a patient: no patient access log to write to
            }
            inbox.processOnce(
                    CONSUMER,
                    envelope,
                    () -> accessLog.append(new AccessLog.Entry(
                            "AUDIT",
                            "audit:" + envelope.getEventId(),
                            patientId,
                            null,
                            Envelopes.occurredAt(envelope),
                            audit.getAction().startsWith("records.") ? "RECORD_ACCESS" : "ACTIVITY",
                            audit.getAction(),
                            audit.getOutcome().name(),
                            // a named person (staff) by user ID, anyone else by the id the producer gave
                            blankToNull(!audit.getActorName().isBlank() ? audit.getActorName() : audit.getActorId()),
                            audit.getActorType().name(),
                            blankToNull(audit.getClientIp()),
                            blankToNull(audit.getUserAgent()),
                            detail(audit, envelope))));
        });
    }

    private static String detail(AuditEvent audit, EventEnvelope envelope) {
        String resource = audit.getResource().isBlank() ? "" : audit.getResource();
        String detail = audit.getDetail().isBlank() ? "" : audit.getDetail();
        String text = (resource + (resource.isEmpty() || detail.isEmpty() ? "" : " ") + detail).trim();
        return text.isEmpty() ? "via " + envelope.getProducer() : text;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
