package health.portal.benchmarks.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
                "/AllergyIntolerance?patient=" + patientId + "&_count=100"
                        + "&_elements=patient,code,clinicalStatus,criticality,recordedDate,reaction",
                "/Condition?patient=" + patientId + "&_count=100"
                        + "&_elements=subject,code,clinicalStatus,onset,abatement,recordedDate",
                "/MedicationRequest?patient=" + patientId + "&_count=100"
                        + "&_elements=subject,status,authoredOn,requester,medication,dosageInstruction",
                "/Immunization?patient=" + patientId + "&_count=100&_elements=patient,vaccineCode,status,occurrence",
                // the latest of each vital sign (HealthSummaries.LASTN), not their whole history
                "/Observation/$lastn?patient=" + patientId + "&category=vital-signs&max=1");
    }

    private static final int MEDICATIONS_PER_SEARCH = 50;
    private static final Pattern NEXT =
            Pattern.compile("\"relation\"\\s*:\\s*\"next\"\\s*,\\s*\"url\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern MEDICATION =
            Pattern.compile("\"reference\"\\s*:\\s*\"Medication/([A-Za-z0-9.\\-]{1,64})\"");

    /** A search page's next link, as the adapter follows it (read by pattern: the client's parsing is not the EMR's). */
    static Optional<String> nextPage(String bundle) {
        Matcher m = NEXT.matcher(bundle);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The Medications a page of MedicationRequests refers to: the sandbox refuses the adapter's _include, so the
     * adapter finds them by id (Synthea writes one Medication per request), and so does the benchmark.
     */
    static List<String> medicationIds(String bundle) {
        return MEDICATION.matcher(bundle).results().map(m -> m.group(1)).toList();
    }

    /** The searches by id the adapter sends for these Medications (HealthSummaries.MEDICATIONS_PER_SEARCH each). */
    static List<String> medicationSearches(List<String> ids) {
        List<String> searches = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += MEDICATIONS_PER_SEARCH) {
            List<String> list = ids.subList(from, Math.min(ids.size(), from + MEDICATIONS_PER_SEARCH));
            searches.add("/Medication?_id=" + String.join(",", list) + "&_count=" + list.size());
        }
        return searches;
    }
}
