package health.portal.records.audit;

import com.google.protobuf.Any;
import com.google.protobuf.util.Timestamps;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.Outcome;
import health.portal.records.access.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    static final String PRODUCER = "records-service";

    private final KafkaTemplate<String, byte[]> kafka;
    private final String topic;
    private final Duration timeout;

    public AuditTrail(
            KafkaTemplate<String, byte[]> kafka,
            @Value("${records.audit.topic:portal.audit.events}") String topic,
            @Value("${records.audit.timeout:5s}") Duration timeout) {
        this.kafka = kafka;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Writes the audit event and waits for the broker; throws {@link AuditUnavailableException} otherwise. */
    public void record(String action, String resource, String patientId, Outcome outcome, String detail) {
        RequestContext ctx = RequestContext.current();
        AuditEvent event = AuditEvent.newBuilder()
                .setActorId(ctx.caller().subject())
                .setActorType(ctx.caller().actorType())
                .setPatientId(patientId)
                .setAction(action)
                .setResource(resource)
                .setOutcome(outcome)
                .setClientIp(ctx.clientIp())
                .setUserAgent(ctx.userAgent())
                .setDetail(detail)
                .build();
        EventEnvelope envelope = EventEnvelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setType(AuditEvent.getDescriptor().getFullName())
                .setOccurredAt(Timestamps.fromMillis(System.currentTimeMillis()))
                .setSubjectPatientId(patientId)
                .setPayload(Any.pack(event))
                .setProducer(PRODUCER)
                .setCorrelationId(ctx.correlationId())
                .build();
        try {
            kafka.send(topic, patientId, envelope.toByteArray()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error(
                    "Audit event for {} could not be written ({}); refusing the access",
                    action,
                    e.getClass().getSimpleName());
            throw new AuditUnavailableException(e);
        }
    }
}
