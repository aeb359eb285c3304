package health.portal.billing.paperless;

import health.portal.billing.audit.Actor;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.inbox.ProcessedEvents;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.PatientEnrolled;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Signing up enrolls the patient in paperless billing: once per event id (the inbox mark and the preference are
 * written in one transaction), and never over a preference the patient has set since.
 */
@Component
class EnrollmentListener {

    static final String CONSUMER = "billing-service.paperless";
    private static final String DESERIALIZERS = """
            key.deserializer=org.apache.kafka.common.serialization.StringDeserializer
            value.deserializer=org.springframework.kafka.support.serializer.ErrorHandlingDeserializer
            spring.deserializer.value.delegate.class=health.portal.platform.events.EventEnvelopeDeserializer
            auto.offset.reset=earliest
            """;

    private final ProcessedEvents inbox;
    private final Paperless paperless;

    EnrollmentListener(ProcessedEvents inbox, Paperless paperless) {
        this.inbox = inbox;
        this.paperless = paperless;
    }

    @KafkaListener(id = CONSUMER, topics = Topics.IDENTITY_EVENTS, groupId = CONSUMER, properties = DESERIALIZERS)
    void on(EventEnvelope envelope) {
        if (envelope == null) {
            return;
        }
        Envelopes.payload(envelope, PatientEnrolled.class)
                .filter(enrolled -> !enrolled.getPatientId().isBlank())
                .ifPresent(enrolled -> inbox.processOnce(
                        CONSUMER,
                        envelope,
                        () -> paperless.enroll(
                                enrolled.getPatientId(), Actor.system(envelope.getProducer()), envelope.getEventId())));
    }
}
