package health.portal.emr.adapter;

import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Opens the patient's whole record for a streamed export (see {@link BundleExport}). */
final class RecordExport {

    /** What an export contains when the EMR does not publish a CapabilityStatement. */
    private static final List<String> EXPORT_TYPES = List.of(
            "AllergyIntolerance",
            "Condition",
            "MedicationRequest",
            "Immunization",
            "Observation",
            "DiagnosticReport",
            "Encounter",
            "Appointment",
            "DocumentReference",
            "Procedure",
            "CarePlan",
            "CareTeam",
            "Goal",
            "Device",
            "ImagingStudy",
            "Communication",
            "QuestionnaireResponse");

    private final FhirAccess access;
    private final ResourceReads reads;
    private final ExportPages pages;
    private volatile List<String> exportTypes;

    RecordExport(FhirAccess access, ResourceReads reads, ForeignResourceListener foreign) {
        this.access = access;
        this.reads = reads;
        this.pages = new ExportPages(access, foreign);
    }

    /**
     * Reads the patient and which types the EMR serves, so that an unknown patient or an EMR outage is known before
     * the caller audits the export and sends the first byte; the record itself is read while it is written.
     */
    BundleExport open(String patientId) {
        Patient patient = reads.requirePatient(patientId);
        return new BundleExport(access.fhirContext(), access.settings().baseUrl(), patient, exportTypes(), pages);
    }

    private List<String> exportTypes() {
        List<String> types = exportTypes;
        if (types != null) {
            return types;
        }
        try {
            CapabilityStatement cs = access.capabilities();
            Set<String> supported = new LinkedHashSet<>();
            cs.getRest().forEach(rest -> rest.getResource().forEach(r -> supported.add(r.getType())));
            types = EXPORT_TYPES.stream().filter(supported::contains).toList();
        } catch (EmrUnavailableException e) {
            throw e;
        } catch (EmrException e) {
            types = EXPORT_TYPES; // no usable CapabilityStatement: ask for every type and skip none
        }
        exportTypes = types;
        return types;
    }
}
