package health.portal.benchmarks.records;

import java.util.List;

/**
 * The FHIR requests emr-adapter sends the EMR for one health summary (HealthSummaries), as the sandbox receives
 * them after the first summary (the refused {@code _include} is not sent again): the benchmark sends the same ones
 * straight to the sandbox to measure the EMR's own limit. Kept in step with the adapter by hand; the sandbox's request
 * log of one summary shows them.
 */
final class SummaryReads {

    private SummaryReads() {}

    static List<String> forPatient(String patientId) {
        return List.of(
                "/Patient/" + patientId,
                "/AllergyIntolerance?patient=" + patientId,
                "/Condition?patient=" + patientId,
                "/MedicationRequest?patient=" + patientId,
                "/Immunization?patient=" + patientId,
                // the latest of each vital sign (HealthSummaries.LASTN), not their whole history
                "/Observation/$lastn?patient=" + patientId + "&category=vital-signs&max=1");
    }
}
