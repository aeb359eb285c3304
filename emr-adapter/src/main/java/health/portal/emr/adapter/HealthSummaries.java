package health.portal.emr.adapter;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import health.portal.emr.adapter.mapping.ClinicalMapping;
import health.portal.emr.adapter.mapping.ObservationMapping;
import health.portal.emr.adapter.mapping.PatientMapping;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.Allergy;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.Problem;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The health summary: allergies, problems, medications, immunizations and the latest vital signs. */
record HealthSummaries(FhirAccess access, ResourceReads reads) {

    HealthSummary healthSummary(String patientId) {
        Patient patient = reads.requirePatient(patientId);
        HealthSummary.Builder b = HealthSummary.newBuilder().setPatient(PatientMapping.profile(patient));

        access.searchAll(AllergyIntolerance.class, patientId).stream()
                .map(ClinicalMapping::allergy)
                .sorted(activeFirstThenNewest(Allergy::getClinicalStatus, Allergy::getRecordedDate))
                .forEach(b::addAllergies);

        access.searchAll(Condition.class, patientId).stream()
                .map(ClinicalMapping::problem)
                .sorted(activeFirstThenNewest(Problem::getClinicalStatus, Problem::getOnsetDate))
                .forEach(b::addProblems);

        medicationRequests(patientId).stream()
                .map(ClinicalMapping::medication)
                .sorted(activeFirstThenNewest(
                        health.portal.proto.records.v1.Medication::getStatus,
                        health.portal.proto.records.v1.Medication::getAuthoredOn))
                .forEach(b::addMedications);

        access.searchAll(Immunization.class, patientId).stream()
                .map(ClinicalMapping::immunization)
                .sorted(Comparator.comparing(
                        health.portal.proto.records.v1.Immunization::getOccurrenceDate, Comparator.reverseOrder()))
                .forEach(b::addImmunizations);

        b.addAllVitalSigns(latestVitalSigns(patientId));
        return b.build();
    }

    /** The patient's medication requests, each with its Medication resolved where the EMR has it. */
    private List<MedicationRequest> medicationRequests(String patientId) {
        Map<String, Resource> included = new HashMap<>();
        List<MedicationRequest> requests = access.searchAll(
                MedicationRequest.class, patientId, null, MedicationRequest.INCLUDE_MEDICATION, included);
        for (MedicationRequest r : requests) {
            if (r.hasMedicationReference() && r.getMedicationReference().getResource() == null) {
                String medId = r.getMedicationReference().getReferenceElement().getIdPart();
                Resource med = included.get("Medication/" + medId);
                if (med == null && FhirIds.isValid(medId)) {
                    // the EMR ignored _include: read it (once per distinct medication)
                    med = access.readOrEmpty(Medication.class, medId).orElse(null);
                    if (med != null) {
                        included.put("Medication/" + medId, med);
                    }
                }
                if (med instanceof Medication) {
                    r.getMedicationReference().setResource(med);
                }
            }
        }
        return requests;
    }

    private List<LabResult> latestVitalSigns(String patientId) {
        List<Observation> vitals = access.searchAll(
                Observation.class,
                patientId,
                new TokenClientParam("category").exactly().code("vital-signs"),
                null,
                null);
        Map<String, Observation> latest = new LinkedHashMap<>();
        vitals.stream()
                .filter(o -> ObservationMapping.hasCategory(o, "vital-signs")) // a server may ignore the filter
                .sorted(Comparator.comparing(
                        ObservationMapping::effective, Comparator.nullsLast(Comparator.reverseOrder())))
                .forEach(o -> latest.putIfAbsent(codeKey(o.getCode()), o));
        return latest.values().stream().map(ObservationMapping::result).toList();
    }

    private static String codeKey(CodeableConcept code) {
        return code.hasCoding()
                ? code.getCodingFirstRep().getSystem() + "|"
                        + code.getCodingFirstRep().getCode()
                : String.valueOf(code.getText());
    }

    private static <T> Comparator<T> activeFirstThenNewest(Function<T, String> status, Function<T, String> date) {
        return Comparator.comparing((T t) -> !"active".equals(status.apply(t)))
                .thenComparing(date, Comparator.reverseOrder());
    }
}
