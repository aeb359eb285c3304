package health.portal.emr.adapter;

import health.portal.emr.adapter.mapping.CareMapping;
import health.portal.emr.adapter.mapping.ObservationMapping;
import health.portal.proto.records.v1.Appointment;
import health.portal.proto.records.v1.Document;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.Visit;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;

import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The patient's lists (labs, visits, appointments, documents, survey answers), sorted and cut into pages. */
record RecordLists(FhirAccess access, ResourceReads reads) {

    /** One of the patient's lists: its FHIR type, the date it is sorted by (newest first) and its mapping. */
    private record Listing<R extends Resource, T>(Class<R> type, Function<R, Date> date, Function<R, T> mapper) {}

    private static final Listing<Encounter, Visit> VISITS =
            new Listing<>(Encounter.class, e -> e.getPeriod().getStart(), CareMapping::visit);
    private static final Listing<org.hl7.fhir.r4.model.Appointment, Appointment> APPOINTMENTS = new Listing<>(
            org.hl7.fhir.r4.model.Appointment.class,
            org.hl7.fhir.r4.model.Appointment::getStart,
            CareMapping::appointment);
    private static final Listing<DocumentReference, Document> DOCUMENTS = new Listing<>(
            DocumentReference.class,
            d -> d.hasDate() ? d.getDate() : d.getContext().getPeriod().getStart(),
            CareMapping::document);

    Page<LabReport> labReports(String patientId, int pageSize, String pageToken) {
        requirePageOf(patientId, pageSize, pageToken);
        Map<String, Resource> included = new HashMap<>();
        List<DiagnosticReport> all =
                access.searchAll(DiagnosticReport.class, patientId, null, DiagnosticReport.INCLUDE_RESULT, included);
        List<DiagnosticReport> reports = all.stream()
                .filter(r -> isLab(r) || r.hasResult())
                .sorted(Comparator.comparing(
                        ObservationMapping::reportDate, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        Page<DiagnosticReport> page = Page.slice(reports, pageSize, pageToken);

        Map<String, Observation> observations = new HashMap<>();
        included.forEach((key, r) -> {
            if (r instanceof Observation o) {
                observations.put(o.getIdElement().getIdPart(), o);
            }
        });
        boolean missing = page.items().stream()
                .flatMap(r -> r.getResult().stream())
                .anyMatch(ref -> ref.getResource() == null
                        && !observations.containsKey(ref.getReferenceElement().getIdPart()));
        if (missing) {
            // the EMR ignored _include: fetch the patient's observations once instead of one read per result
            for (Observation o : access.searchAll(Observation.class, patientId)) {
                observations.putIfAbsent(o.getIdElement().getIdPart(), o);
            }
        }
        return new Page<>(
                page.items().stream()
                        .map(r -> ObservationMapping.report(r, observations))
                        .toList(),
                page.nextPageToken());
    }

    private static boolean isLab(DiagnosticReport r) {
        return r.getCategory().stream()
                .flatMap(c -> c.getCoding().stream())
                .anyMatch(c -> "LAB".equals(c.getCode()) || "laboratory".equals(c.getCode()));
    }

    Page<Visit> visits(String patientId, int pageSize, String pageToken) {
        return page(VISITS, patientId, pageSize, pageToken);
    }

    Page<Appointment> appointments(String patientId, int pageSize, String pageToken) {
        return page(APPOINTMENTS, patientId, pageSize, pageToken);
    }

    Page<Document> documents(String patientId, int pageSize, String pageToken) {
        return page(DOCUMENTS, patientId, pageSize, pageToken);
    }

    private <R extends Resource, T> Page<T> page(
            Listing<R, T> listing, String patientId, int pageSize, String pageToken) {
        requirePageOf(patientId, pageSize, pageToken);
        List<R> all = access.searchAll(listing.type(), patientId).stream()
                .sorted(Comparator.comparing(listing.date(), Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        Page<R> page = Page.slice(all, pageSize, pageToken);
        return new Page<>(page.items().stream().map(listing.mapper()).toList(), page.nextPageToken());
    }

    /** Checks the page request before the patient is read: a bad size or token never reaches the EMR. */
    private void requirePageOf(String patientId, int pageSize, String pageToken) {
        Page.effectiveSize(pageSize);
        Page.decodeToken(pageToken);
        reads.requirePatient(patientId);
    }

    List<Questionnaire> activeQuestionnaires() {
        // filtered here rather than with ?status=: not every EMR supports that search parameter
        List<Questionnaire> all = access.searchAll(Questionnaire.class, null);
        all.removeIf(q -> q.getStatus() != Enumerations.PublicationStatus.ACTIVE);
        return all;
    }

    List<QuestionnaireResponse> questionnaireResponses(String patientId) {
        reads.requirePatient(patientId);
        return access.searchAll(QuestionnaireResponse.class, patientId);
    }
}
