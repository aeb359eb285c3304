package health.portal.records.audit;

import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.Outcome;
import health.portal.records.access.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>The records of concurrent calls are written as groups ({@link AuditBatches}) by a producer of the audit's own,
 * with the same reliability settings as the platform's (acks=all, idempotent): each call still waits for its own
 * record's acknowledgement, but no longer for a round trip of its own behind the others'.
 */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final DirectEventPublisher events;
    private final Duration timeout;
    private final AuditBatches batches;

    public AuditTrail(
            DirectEventPublisher events,
            KafkaProperties kafka,
            MeterRegistry meters,
            @Value("${records.audit.timeout:5s}") Duration timeout,
            @Value("${records.audit.queue-capacity:10000}") int queueCapacity,
            @Value("${records.audit.max-batch:500}") int maxBatch) {
        this.events = events;
        this.timeout = timeout;
        this.batches = new AuditBatches(new KafkaProducer<>(reliableProducer(kafka)), queueCapacity, maxBatch, meters);
    }

    /** The platform's settings for events that must not be lost (platform-events' EventsAutoConfiguration). */
    private static Map<String, Object> reliableProducer(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "records-service-audit");
        return config;
    }

    @PreDestroy
    void close() {
        batches.close();
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
        CompletableFuture<Void> acknowledged =
                batches.write(DirectEventPublisher.record(Topics.AUDIT_EVENTS, patientId, envelope));
        try {
            acknowledged.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused(action, acknowledged, e);
        } catch (ExecutionException e) {
            throw refused(action, acknowledged, e.getCause());
        } catch (TimeoutException e) {
            throw refused(action, acknowledged, e);
        }
    }

    private static AuditUnavailableException refused(
            String action, CompletableFuture<Void> acknowledged, Throwable cause) {
        // not sent when still queued: the access it would record as done is refused
        acknowledged.cancel(false);
        log.error(
                "Audit event for {} could not be written ({}); refusing the access",
                action,
                cause.getClass().getSimpleName());
        return new AuditUnavailableException(cause);
    }
}
