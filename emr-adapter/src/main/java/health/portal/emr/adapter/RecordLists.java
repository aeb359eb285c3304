package health.portal.emr.adapter;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import health.portal.emr.adapter.mapping.CareMapping;
import health.portal.emr.adapter.mapping.ObservationMapping;
import health.portal.proto.FhirIds;
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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** The patient's lists (labs, visits, appointments, documents, survey answers), sorted and cut into pages. */
record RecordLists(FhirAccess access, ResourceReads reads) {

    /** A search of observations by id, which not every EMR offers. */
    private static final String BY_ID = "Observation?_id";
    /** Ids per search: keeps the URL well below what servers and proxies accept. */
    private static final int IDS_PER_SEARCH = 40;

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
        int wanted = requirePageOf(patientId, pageSize, pageToken);
        Map<String, Resource> included = new HashMap<>();
        List<DiagnosticReport> reports = newest(
                DiagnosticReport.class,
                patientId,
                DiagnosticReport.INCLUDE_RESULT,
                included,
                ObservationMapping::reportDate,
                wanted,
                r -> isLab(r) || r.hasResult());
        Page<DiagnosticReport> page = Page.slice(reports, pageSize, pageToken);

        Map<String, Observation> observations = new HashMap<>();
        included.forEach((key, r) -> {
            if (r instanceof Observation o) {
                observations.put(o.getIdElement().getIdPart(), o);
            }
        });
        List<String> missing = page.items().stream()
                .flatMap(r -> r.getResult().stream())
                .filter(ref -> ref.getResource() == null)
                .map(ref -> ref.getReferenceElement().getIdPart())
                .filter(id -> id != null && !observations.containsKey(id))
                .distinct()
                .toList();
        if (!missing.isEmpty()) {
            // the EMR ignored _include: the page's results by id, else the patient's observations once
            List<Observation> found = observationsById(patientId, missing)
                    .orElseGet(() -> access.searchAll(Observation.class, patientId));
            for (Observation o : found) {
                observations.putIfAbsent(o.getIdElement().getIdPart(), o);
            }
        }
        return new Page<>(
                page.items().stream()
                        .map(r -> ObservationMapping.report(r, observations))
                        .toList(),
                page.nextPageToken());
    }

    /** The patient's observations with these ids; empty when the EMR does not search by _id (remembered). */
    private Optional<List<Observation>> observationsById(String patientId, List<String> ids) {
        if (access.isUnsupported(BY_ID)) {
            return Optional.empty();
        }
        List<String> valid = ids.stream().filter(FhirIds::isValid).toList();
        List<Observation> out = new ArrayList<>();
        try {
            for (int from = 0; from < valid.size(); from += IDS_PER_SEARCH) {
                List<String> chunk = valid.subList(from, Math.min(valid.size(), from + IDS_PER_SEARCH));
                out.addAll(access.searchAllMatching(
                        Observation.class,
                        patientId,
                        List.of(new TokenClientParam(Resource.SP_RES_ID)
                                .exactly()
                                .codes(chunk)),
                        null,
                        null));
            }
        } catch (EmrUnavailableException | EmrInvalidDataException e) {
            throw e;
        } catch (EmrException e) {
            access.rememberUnsupported(BY_ID, e.getMessage());
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /**
     * The first {@code wanted} of the patient's resources of the type, newest first: asked of the EMR sorted and
     * counted, so a page costs one page, not the whole history. When the EMR refuses {@code _sort}, or answers out of
     * order (it ignored it, or sorts by another date than this list), the whole history is read and sorted here as
     * before, and the EMR is not asked sorted again for a while.
     */
    private <R extends Resource> List<R> newest(
            Class<R> type,
            String patientId,
            Include include,
            Map<String, Resource> included,
            Function<R, Date> date,
            int wanted,
            Predicate<R> keep) {
        Comparator<R> order = Comparator.comparing(date, Comparator.nullsLast(Comparator.reverseOrder()));
        Optional<List<R>> sorted =
                access.searchNewest(type, patientId, List.of(), include, included, "date", wanted, keep);
        if (sorted.isPresent()) {
            if (FhirAccess.isSorted(sorted.get(), order)) {
                return sorted.get();
            }
            access.rememberUnsupported(type.getSimpleName() + "?_sort=-date", "answered out of date order");
        }
        if (included != null) {
            included.clear();
        }
        return access.searchAll(type, patientId, null, include, included).stream()
                .filter(keep)
                .sorted(order)
                .toList();
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
        int wanted = requirePageOf(patientId, pageSize, pageToken);
        List<R> newest = newest(listing.type(), patientId, null, null, listing.date(), wanted, r -> true);
        Page<R> page = Page.slice(newest, pageSize, pageToken);
        return new Page<>(page.items().stream().map(listing.mapper()).toList(), page.nextPageToken());
    }

    /**
     * Checks the page request before the patient is read: a bad size or token never reaches the EMR. Returns how many
     * of the newest the page needs: those before it, its own, and one more that tells whether a next page exists.
     */
    private int requirePageOf(String patientId, int pageSize, String pageToken) {
        int size = Page.effectiveSize(pageSize);
        int offset = Page.decodeToken(pageToken);
        reads.requirePatientProfile(patientId);
        return (int) Math.min(Integer.MAX_VALUE, (long) offset + size + 1);
    }

    List<Questionnaire> activeQuestionnaires() {
        // filtered here rather than with ?status=: not every EMR supports that search parameter
        List<Questionnaire> all = access.searchAll(Questionnaire.class, null);
        all.removeIf(q -> q.getStatus() != Enumerations.PublicationStatus.ACTIVE);
        return all;
    }

    List<QuestionnaireResponse> questionnaireResponses(String patientId) {
        reads.requirePatientProfile(patientId);
        return access.searchAll(QuestionnaireResponse.class, patientId);
    }
}
