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

    /** FHIR R4's "last n observations" operation: the latest of each code in one request. */
    static final String LASTN = "Observation/$lastn";
    /** Medications asked by id in one search (about 2 KB of URL): 259 for the sandbox's largest history. */
    static final int MEDICATIONS_PER_SEARCH = 50;
    /** Medications read by id at once for one summary, from an EMR without that search: as many as its own reads. */
    static final int MEDICATION_READS_AT_ONCE = 6;

    HealthSummary healthSummary(String patientId) {
        // checked before anything is sent: the searches below go out together with the patient's read
        FhirIds.require(patientId, "patient_id");
        // the six reads are independent: at once, so a summary takes as long as its slowest read, not their sum;
        // errors are thrown in this order, as when they ran one after another (an unknown patient first)
        List<Object> read = access.all(List.of(
                () -> reads.requirePatientProfile(patientId),
                () -> access.searchAll(AllergyIntolerance.class, patientId, ClinicalMapping.ALLERGY_ELEMENTS),
                () -> access.searchAll(Condition.class, patientId, ClinicalMapping.PROBLEM_ELEMENTS),
                () -> medicationRequests(patientId),
                () -> access.searchAll(Immunization.class, patientId, ClinicalMapping.IMMUNIZATION_ELEMENTS),
                () -> latestVitalSigns(patientId)));
        Patient patient = (Patient) read.get(0);
        HealthSummary.Builder b = HealthSummary.newBuilder().setPatient(PatientMapping.profile(patient));

        this.<AllergyIntolerance>list(read.get(1)).stream()
                .map(ClinicalMapping::allergy)
                .sorted(activeFirstThenNewest(Allergy::getClinicalStatus, Allergy::getRecordedDate))
                .forEach(b::addAllergies);

        this.<Condition>list(read.get(2)).stream()
                .map(ClinicalMapping::problem)
                .sorted(activeFirstThenNewest(Problem::getClinicalStatus, Problem::getOnsetDate))
                .forEach(b::addProblems);

        this.<MedicationRequest>list(read.get(3)).stream()
                .map(ClinicalMapping::medication)
                .sorted(activeFirstThenNewest(
                        health.portal.proto.records.v1.Medication::getStatus,
                        health.portal.proto.records.v1.Medication::getAuthoredOn))
                .forEach(b::addMedications);

        this.<Immunization>list(read.get(4)).stream()
                .map(ClinicalMapping::immunization)
                .sorted(Comparator.comparing(
                        health.portal.proto.records.v1.Immunization::getOccurrenceDate, Comparator.reverseOrder()))
                .forEach(b::addImmunizations);

        b.addAllVitalSigns(this.<LabResult>list(read.get(5)));
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> list(Object read) {
        return (List<T>) read;
    }

    /** The patient's medication requests, each with its Medication resolved where the EMR has it. */
    private List<MedicationRequest> medicationRequests(String patientId) {
        Map<String, Resource> included = new HashMap<>();
        List<MedicationRequest> requests = access.searchAllElements(
                MedicationRequest.class,
                patientId,
                MedicationRequest.INCLUDE_MEDICATION,
                included,
                ClinicalMapping.MEDICATION_ELEMENTS);
        Map<String, Medication> read = access.findAllById(
                Medication.class, notIncluded(requests, included), MEDICATIONS_PER_SEARCH, MEDICATION_READS_AT_ONCE);
        for (MedicationRequest r : requests) {
            if (r.hasMedicationReference() && r.getMedicationReference().getResource() == null) {
                String medId = r.getMedicationReference().getReferenceElement().getIdPart();
                Resource med = included.getOrDefault("Medication/" + medId, read.get(medId));
                if (med instanceof Medication) {
                    r.getMedicationReference().setResource(med);
                }
            }
        }
        return requests;
    }

    /**
     * The Medications the requests refer to that the EMR did not include (it ignored or refused _include), once each,
     * to be found by id. Synthea writes one Medication per request, so a patient with years of refills has hundreds.
     */
    private static List<String> notIncluded(List<MedicationRequest> requests, Map<String, Resource> included) {
        return requests.stream()
                .filter(r ->
                        r.hasMedicationReference() && r.getMedicationReference().getResource() == null)
                .map(r -> r.getMedicationReference().getReferenceElement().getIdPart())
                .filter(id -> FhirIds.isValid(id) && !included.containsKey("Medication/" + id))
                .distinct()
                .toList();
    }

    /**
     * The latest observation of each vital sign. Asked with $lastn (max=1): the whole history of vital signs is the
     * largest search of a summary and grows with every visit, while its answer does not. An EMR without $lastn (it
     * refuses it once, remembered) is searched for the whole history as before. Either answer is filtered, sorted and
     * cut to one per code here too: a server that answers more, or unsorted, shows the same summary.
     */
    private List<LabResult> latestVitalSigns(String patientId) {
        List<Observation> vitals = access.searchByUrl(
                        Observation.class,
                        LASTN,
                        LASTN + "?patient=" + patientId + "&category=vital-signs&max=1",
                        patientId)
                .orElseGet(() -> access.searchAll(
                        Observation.class,
                        patientId,
                        new TokenClientParam("category").exactly().code("vital-signs"),
                        null,
                        null));
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
