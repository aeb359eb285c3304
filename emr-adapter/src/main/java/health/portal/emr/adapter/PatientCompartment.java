package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Whether a resource the EMR returned belongs to the patient asked for, by the FHIR Patient compartment (the search
 * parameters the specification lists per type: subject, patient, performer...). The portal does not take the EMR's
 * filtering on trust: one misconfigured search on the EMR's side would otherwise show a patient someone else's record.
 */
final class PatientCompartment {

    private final FhirContext fhir;
    private final FhirTerser terser;

    PatientCompartment(FhirContext fhir) {
        this.fhir = fhir;
        this.terser = fhir.newTerser();
    }

    /**
     * True when the resource is in the patient's compartment, or when its type has no Patient compartment at all
     * (a Medication or Questionnaire brought along by a search is nobody's record).
     */
    boolean admits(Resource resource, String patientId) {
        if (resource.fhirType().equals("Patient")) {
            return patientId.equals(resource.getIdElement().getIdPart());
        }
        if (fhir.getResourceDefinition(resource)
                .getSearchParamsForCompartmentName("Patient")
                .isEmpty()) {
            return true;
        }
        return terser.isSourceInCompartmentForTarget("Patient", resource, new IdType("Patient", patientId));
    }
}
