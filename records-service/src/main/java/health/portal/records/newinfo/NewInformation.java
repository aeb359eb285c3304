package health.portal.records.newinfo;

import health.portal.emr.adapter.ChangeFeed;
import health.portal.proto.events.v1.InformationKind;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Which changes in the EMR are news for the patient, of which kind, and under which event id. */
final class NewInformation {

    /** The types polled, in this order. */
    static final List<String> TYPES = List.of("DiagnosticReport", "DocumentReference", "Appointment");

    private NewInformation() {}

    /**
     * Released results (final or amended), current documents, booked appointments; a preliminary report or a
     * proposed appointment is not yet for the patient's eyes.
     */
    static Optional<InformationKind> kindOf(ChangeFeed.Change change) {
        if (change.resource() instanceof DiagnosticReport r) {
            return r.getStatus() == DiagnosticReport.DiagnosticReportStatus.FINAL
                            || r.getStatus() == DiagnosticReport.DiagnosticReportStatus.AMENDED
                    ? Optional.of(InformationKind.INFORMATION_KIND_RESULT)
                    : Optional.empty();
        }
        if (change.resource() instanceof DocumentReference d) {
            return d.getStatus() == Enumerations.DocumentReferenceStatus.CURRENT
                    ? Optional.of(InformationKind.INFORMATION_KIND_DOCUMENT)
                    : Optional.empty();
        }
        if (change.resource() instanceof Appointment a) {
            return a.getStatus() == Appointment.AppointmentStatus.BOOKED
                    ? Optional.of(InformationKind.INFORMATION_KIND_APPOINTMENT)
                    : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The same resource version gives the same event id, whichever pass or restart sees it, so that consumers'
     * inboxes drop the repeats; a new version is new information. Without a version id, lastUpdated stands in.
     */
    static String eventId(ChangeFeed.Change change) {
        String version =
                change.versionId().isEmpty() ? "t" + change.lastUpdated().toEpochMilli() : change.versionId();
        String name = change.type() + "/" + change.id() + "/_history/" + version;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
