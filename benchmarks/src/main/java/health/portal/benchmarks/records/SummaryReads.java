package health.portal.benchmarks.records;

import java.util.List;

/**
 * The FHIR requests emr-adapter sends the EMR for one health summary (HealthSummaries), as the sandbox receives
 * them after the first summary (the refused {@code _include} is not sent again; without it the searches ask only the summary's elements): the benchmark sends the same ones
 * straight to the sandbox to measure the EMR's own limit. Kept in step with the adapter by hand; the sandbox's request
 * log of one summary shows them.
 */
final class SummaryReads {

    private SummaryReads() {}

    static List<String> forPatient(String patientId) {
        return List.of(
                // each with the elements the summary shows (PatientMapping.ELEMENTS, ClinicalMapping.*_ELEMENTS)
                "/Patient/" + patientId + "?_elements=name,birthDate,gender",
                "/AllergyIntolerance?patient=" + patientId
                        + "&_elements=patient,code,clinicalStatus,criticality,recordedDate,reaction",
                "/Condition?patient=" + patientId
                        + "&_elements=subject,code,clinicalStatus,onset,abatement,recordedDate",
                "/MedicationRequest?patient=" + patientId
                        + "&_elements=subject,status,authoredOn,requester,medication,dosageInstruction",
                "/Immunization?patient=" + patientId + "&_elements=patient,vaccineCode,status,occurrence",
                // the latest of each vital sign (HealthSummaries.LASTN), not their whole history
                "/Observation/$lastn?patient=" + patientId + "&category=vital-signs&max=1");
    }
}
