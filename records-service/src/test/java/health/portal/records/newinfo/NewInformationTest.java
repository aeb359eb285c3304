package health.portal.records.newinfo;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.emr.adapter.EmrClient;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.InformationKind;
import health.portal.proto.events.v1.NewInformationAvailable;
import health.portal.records.GrpcTestBase;
import health.portal.records.SharedSandbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * New results, documents and appointments created in the sandbox EMR become one NewInformationAvailable each on
 * portal.records.events, with nothing of the record in the bytes; what is not yet for the patient does not. The
 * tests share the other tests' context, whose poller runs every 30 s: they run its passes themselves, in between.
 */
class NewInformationTest extends GrpcTestBase {

    private static final String PATIENT = "demo-sam";
    private static final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    private static KafkaConsumer<String, byte[]> reader;

    @Autowired
    EmrClient emr;

    @Autowired
    DirectEventPublisher events;

    @Autowired
    NewInformationPoller poller;

    @AfterAll
    static void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        seen.clear();
    }

    private static String canary() {
        return "CANARY-" + UUID.randomUUID();
    }

    @Test
    void aReleasedResultADocumentAndABookedAppointmentEachGiveOneEventWithOnlyThePatientAndTheKind() {
        String canary = canary();
        DiagnosticReport report = new DiagnosticReport();
        report.setId("newinfo-dr-" + UUID.randomUUID());
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.setSubject(new Reference("Patient/" + PATIENT));
        report.setCode(new CodeableConcept().setText(canary));
        report.setConclusion(canary);
        DocumentReference document = new DocumentReference();
        document.setId("newinfo-doc-" + UUID.randomUUID());
        document.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        document.setSubject(new Reference("Patient/" + PATIENT));
        document.setDescription(canary);
        document.addContent()
                .setAttachment(
                        new Attachment().setContentType("text/plain").setData(canary.getBytes(StandardCharsets.UTF_8)));
        Appointment appointment = new Appointment();
        appointment.setId("newinfo-appt-" + UUID.randomUUID());
        appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
        appointment.setDescription(canary);
        appointment.addParticipant().setActor(new Reference("Patient/" + PATIENT));
        appointment.addParticipant().setActor(new Reference("Practitioner/pcp-morgan"));

        for (Resource r : List.of(report, document, appointment)) {
            SharedSandbox.get().record(r);
        }

        assertOneEvent(eventIdOf(report), InformationKind.INFORMATION_KIND_RESULT, canary);
        assertOneEvent(eventIdOf(document), InformationKind.INFORMATION_KIND_DOCUMENT, canary);
        assertOneEvent(eventIdOf(appointment), InformationKind.INFORMATION_KIND_APPOINTMENT, canary);
    }

    @Test
    void theSeededRecordIsHistoryNotNewsForItsPatient() {
        // demo-alex's released reports, documents and appointments were all seeded (these tests record for demo-sam
        // only): however recently the sandbox started, none of them is announced
        DiagnosticReport marker = report(DiagnosticReport.DiagnosticReportStatus.FINAL);
        SharedSandbox.get().record(marker);
        assertOneEvent(eventIdOf(marker), InformationKind.INFORMATION_KIND_RESULT, "no canary");

        assertThat(seen).noneMatch(record -> "demo-alex".equals(record.key()));
    }

    @Test
    void aPreliminaryResultAndAProposedAppointmentAreNoNewsYet() {
        DiagnosticReport preliminary = report(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
        Appointment proposed = new Appointment();
        proposed.setId("newinfo-appt-" + UUID.randomUUID());
        proposed.setStatus(Appointment.AppointmentStatus.PROPOSED);
        proposed.addParticipant().setActor(new Reference("Patient/" + PATIENT));
        SharedSandbox.get().record(preliminary);
        SharedSandbox.get().record(proposed);
        // recorded after them: once its event is out, the passes have looked at both
        DiagnosticReport released = report(DiagnosticReport.DiagnosticReportStatus.AMENDED);
        SharedSandbox.get().record(released);

        assertOneEvent(eventIdOf(released), InformationKind.INFORMATION_KIND_RESULT, "no canary");
        assertThat(withEventId(eventIdOf(preliminary))).isEmpty();
        assertThat(withEventId(eventIdOf(proposed))).isEmpty();
    }

    @Test
    void aRestartRescansWithTheSameEventIdsSoConsumersDropTheRepeat() {
        DiagnosticReport report = report(DiagnosticReport.DiagnosticReportStatus.FINAL);
        SharedSandbox.get().record(report);
        String eventId = eventIdOf(report);
        assertOneEvent(eventId, InformationKind.INFORMATION_KIND_RESULT, "no canary");

        // a new instance is a restart: it looks back over the overlap and sees the same version again
        NewInformationPoller restarted = new NewInformationPoller(
                emr,
                events,
                new NewInformationProperties(true, Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(5)),
                "records-service");
        restarted.pass();

        awaitRecords(eventId, 2);
        assertThat(withEventId(eventId)).hasSize(2);

        // a new version of the resource is new information, under a new id
        report.getMeta().setVersionId("2").setLastUpdated(new java.util.Date());
        SharedSandbox.get().record(report);
        assertOneEvent(eventIdOf(report), InformationKind.INFORMATION_KIND_RESULT, "no canary");
        assertThat(eventIdOf(report)).isNotEqualTo(eventId);
    }

    private static DiagnosticReport report(DiagnosticReport.DiagnosticReportStatus status) {
        DiagnosticReport report = new DiagnosticReport();
        report.setId("newinfo-dr-" + UUID.randomUUID());
        report.setStatus(status);
        report.setSubject(new Reference("Patient/" + PATIENT));
        report.setCode(new CodeableConcept().setText("Lipid panel"));
        return report;
    }

    /** What the event id of the resource's current version must be: derived, the same at every scan. */
    private static String eventIdOf(Resource resource) {
        String version = resource.getMeta().hasVersionId() ? resource.getMeta().getVersionId() : "1";
        return UUID.nameUUIDFromBytes(
                        (resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/" + version)
                                .getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private void assertOneEvent(String eventId, InformationKind kind, String canary) {
        awaitRecords(eventId, 1);
        // a few more passes: still exactly one
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            poller.pass();
            poll();
        }
        List<ConsumerRecord<String, byte[]>> records = withEventId(eventId);
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.getFirst();
        assertThat(record.key()).isEqualTo(PATIENT);
        assertThat(new String(record.value(), StandardCharsets.ISO_8859_1)).doesNotContain(canary);
        EventEnvelope envelope = envelope(record);
        NewInformationAvailable event =
                Envelopes.payload(envelope, NewInformationAvailable.class).orElseThrow();
        assertThat(event.getPatientId()).isEqualTo(PATIENT);
        assertThat(event.getKind()).isEqualTo(kind);
        assertThat(envelope.getSubjectPatientId()).isEqualTo(PATIENT);
    }

    private void awaitRecords(String eventId, int count) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (withEventId(eventId).size() < count && System.nanoTime() < end) {
            poller.pass();
            poll();
        }
        assertThat(withEventId(eventId)).as("records with event id " + eventId).hasSizeGreaterThanOrEqualTo(count);
    }

    private static synchronized void poll() {
        if (reader == null) {
            reader = KafkaBroker.shared().readerFromTheStart(new ByteArrayDeserializer());
            reader.subscribe(List.of(Topics.RECORDS_EVENTS));
        }
        reader.poll(Duration.ofMillis(200)).forEach(seen::add);
    }

    private static synchronized List<ConsumerRecord<String, byte[]>> withEventId(String eventId) {
        return seen.stream()
                .filter(r -> envelope(r).getEventId().equals(eventId))
                .toList();
    }

    private static EventEnvelope envelope(ConsumerRecord<String, byte[]> record) {
        try {
            return EventEnvelope.parseFrom(record.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
