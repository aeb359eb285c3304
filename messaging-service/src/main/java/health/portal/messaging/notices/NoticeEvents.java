package health.portal.messaging.notices;

import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.inbox.ProcessedEvents;
import health.portal.proto.events.v1.CareTeamMessageSent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.NewInformationAvailable;
import health.portal.proto.events.v1.QuestionnaireAssigned;
import health.portal.proto.events.v1.ResponseOverdue;
import health.portal.proto.events.v1.StatementDelivery;
import health.portal.proto.events.v1.StatementIssued;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Optional;

/**
 * Turns events into notices: at most one per event, however often Kafka delivers it, since the inbox mark and the
 * notice row are written in one transaction. The events carry ids only, and the notice keeps only the patient and the
 * kind. A PatientMessageReceived (the patient wrote) is no news to the patient: no notice. A statement sent by mail
 * is announced by the envelope in the patient's letterbox: only paperless statements get a notice.
 */
@Component
class NoticeEvents {

    static final String CONSUMER = "messaging-service.notices";
    private static final String DESERIALIZERS = """
            key.deserializer=org.apache.kafka.common.serialization.StringDeserializer
            value.deserializer=org.springframework.kafka.support.serializer.ErrorHandlingDeserializer
            spring.deserializer.value.delegate.class=health.portal.platform.events.EventEnvelopeDeserializer
            auto.offset.reset=earliest
            """;

    private final ProcessedEvents inbox;
    private final Notices notices;
    private final Clock clock;

    NoticeEvents(ProcessedEvents inbox, Notices notices) {
        this.inbox = inbox;
        this.notices = notices;
        this.clock = Clock.systemUTC();
    }

    record Wanted(String patientId, NoticeKind kind) {}

    @KafkaListener(
            id = CONSUMER + ".messaging",
            topics = Topics.MESSAGING_EVENTS,
            groupId = CONSUMER,
            properties = DESERIALIZERS)
    void onMessagingEvent(EventEnvelope envelope) {
        record(envelope, messaging(envelope));
    }

    @KafkaListener(
            id = CONSUMER + ".records",
            topics = Topics.RECORDS_EVENTS,
            groupId = CONSUMER,
            properties = DESERIALIZERS)
    void onRecordsEvent(EventEnvelope envelope) {
        record(
                envelope,
                Envelopes.payload(envelope, NewInformationAvailable.class)
                        .map(e -> new Wanted(e.getPatientId(), NoticeKind.NEW_INFORMATION)));
    }

    @KafkaListener(
            id = CONSUMER + ".billing",
            topics = Topics.BILLING_EVENTS,
            groupId = CONSUMER,
            properties = DESERIALIZERS)
    void onBillingEvent(EventEnvelope envelope) {
        record(envelope, billing(envelope));
    }

    static Optional<Wanted> billing(EventEnvelope envelope) {
        return Envelopes.payload(envelope, StatementIssued.class)
                .filter(e -> e.getDelivery() == StatementDelivery.STATEMENT_DELIVERY_PAPERLESS)
                .map(e -> new Wanted(e.getPatientId(), NoticeKind.NEW_STATEMENT));
    }

    static Optional<Wanted> messaging(EventEnvelope envelope) {
        Optional<Wanted> sent = Envelopes.payload(envelope, CareTeamMessageSent.class)
                .map(e -> new Wanted(e.getPatientId(), NoticeKind.NEW_MESSAGE));
        Optional<Wanted> overdue = Envelopes.payload(envelope, ResponseOverdue.class)
                .map(e -> new Wanted(e.getPatientId(), NoticeKind.RESPONSE_OVERDUE));
        Optional<Wanted> assigned = Envelopes.payload(envelope, QuestionnaireAssigned.class)
                .flatMap(e -> switch (e.getKind()) {
                    case ASSIGNMENT_KIND_SURVEY -> Optional.of(new Wanted(e.getPatientId(), NoticeKind.SURVEY));
                    case ASSIGNMENT_KIND_LESSON -> Optional.of(new Wanted(e.getPatientId(), NoticeKind.LESSON));
                    default -> Optional.<Wanted>empty();
                });
        return sent.or(() -> overdue).or(() -> assigned);
    }

    private void record(EventEnvelope envelope, Optional<Wanted> wanted) {
        if (envelope == null || wanted.isEmpty() || wanted.get().patientId().isBlank()) {
            return;
        }
        inbox.processOnce(
                CONSUMER,
                envelope,
                () -> notices.add(
                        Notice.pending(
                                envelope.getEventId(),
                                wanted.get().patientId(),
                                wanted.get().kind(),
                                clock.instant()),
                        clock.instant()));
    }
}
