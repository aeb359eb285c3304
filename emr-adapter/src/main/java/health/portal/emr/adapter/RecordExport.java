package health.portal.emr.adapter;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The patient's whole record as one FHIR collection Bundle, and its JSON. */
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
    private volatile List<String> exportTypes;

    RecordExport(FhirAccess access, ResourceReads reads) {
        this.access = access;
        this.reads = reads;
    }

    Bundle exportRecord(String patientId) {
        Patient patient = reads.requirePatient(patientId);
        String baseUrl = access.settings().baseUrl();
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(new Date());
        bundle.addEntry().setFullUrl(baseUrl + "/Patient/" + patientId).setResource(patient);
        Set<String> seen = new LinkedHashSet<>();
        seen.add("Patient/" + patientId);
        for (String type : exportTypes()) {
            for (Resource r : access.searchAll(type, patientId)) {
                String key = r.fhirType() + "/" + r.getIdElement().getIdPart();
                if (seen.add(key)) {
                    bundle.addEntry().setFullUrl(baseUrl + "/" + key).setResource(r);
                }
            }
        }
        bundle.setTotal(bundle.getEntry().size());
        return bundle;
    }

    void writeJson(Resource resource, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        access.fhirContext().newJsonParser().encodeResourceToWriter(resource, writer);
        writer.flush();
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
