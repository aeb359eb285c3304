package health.portal.emr.adapter;

import ca.uhn.fhir.rest.gclient.DateClientParam;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What changed in the EMR, for EMRs without FHIR Subscriptions: a search by {@code _lastUpdated} across all patients,
 * oldest change first. Only resources that belong to one patient (by the FHIR Patient compartment) come out; the rest
 * is nobody's news.
 */
public final class ChangeFeed {

    private static final int MAX_PAGES = 50; // one pass reads at most this much; the next pass goes on from there

    private final FhirAccess access;
    private final EmrGuard guard;
    private final PatientCompartment compartment;

    ChangeFeed(FhirAccess access, EmrGuard guard) {
        this.access = access;
        this.guard = guard;
        this.compartment = new PatientCompartment(access.fhirContext());
    }

    /**
     * @param versionId   the EMR's version of the resource (meta.versionId), empty when the EMR keeps none
     * @param lastUpdated meta.lastUpdated
     */
    public record Change(Resource resource, String patientId, String versionId, Instant lastUpdated) {

        public String type() {
            return resource.fhirType();
        }

        public String id() {
            return resource.getIdElement().getIdPart();
        }
    }

    /** The types this feed knows a patient of: results, documents and appointments. */
    public static boolean supports(String type) {
        return List.of("DiagnosticReport", "DocumentReference", "Appointment").contains(type);
    }

    /** Resources of the type changed at or after {@code since}, by {@code _lastUpdated} ascending. */
    public List<Change> since(String type, Instant since) {
        if (!supports(type)) {
            throw new IllegalArgumentException("no change feed for " + type);
        }
        String op = "search " + type + " by _lastUpdated";
        Bundle page = guard.read(
                op,
                () -> access.client()
                        .search()
                        .forResource(type)
                        .where(new DateClientParam("_lastUpdated")
                                .afterOrEquals()
                                .millis(Date.from(since)))
                        .sort()
                        .ascending("_lastUpdated")
                        .count(access.settings().searchPageSize())
                        .returnBundle(Bundle.class)
                        .execute());
        List<Change> changes = new ArrayList<>();
        for (int n = 0; page != null && n < MAX_PAGES; n++) {
            page.getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource)
                    .filter(r -> r != null
                            && type.equals(r.fhirType())
                            && r.getMeta().hasLastUpdated())
                    .forEach(r -> change(r).ifPresent(changes::add));
            Bundle current = page;
            page = current.getLink(Bundle.LINK_NEXT) == null
                            || current.getEntry().isEmpty()
                    ? null
                    : guard.read(
                            op + " (next page)",
                            () -> access.client().loadPage().next(current).execute());
        }
        return changes;
    }

    private Optional<Change> change(Resource resource) {
        List<String> patients = new ArrayList<>();
        Consumer<Reference> patient = ref -> {
            if (ref != null && ref.hasReference()) {
                IdType id = new IdType(ref.getReference());
                if ("Patient".equals(id.getResourceType()) && id.getIdPart() != null) {
                    patients.add(id.getIdPart());
                }
            }
        };
        switch (resource) {
            case DiagnosticReport report -> patient.accept(report.getSubject());
            case DocumentReference document -> patient.accept(document.getSubject());
            case Appointment appointment -> appointment.getParticipant().forEach(p -> patient.accept(p.getActor()));
            default -> {}
        }
        // one patient's, and in that patient's compartment: a resource naming two patients is nobody's news
        if (patients.stream().distinct().count() != 1 || !compartment.admits(resource, patients.getFirst())) {
            return Optional.empty();
        }
        return Optional.of(new Change(
                resource,
                patients.getFirst(),
                resource.getMeta().hasVersionId() ? resource.getMeta().getVersionId() : "",
                resource.getMeta().getLastUpdated().toInstant()));
    }
}
