package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import health.portal.emr.adapter.mapping.ClinicalMapping;
import health.portal.emr.adapter.mapping.ObservationMapping;
import health.portal.emr.adapter.mapping.PatientMapping;
import health.portal.emr.sandbox.EmrSandbox;
import health.portal.emr.sandbox.requests.RequestLog;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.Visit;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a health summary and a list page cost the EMR, counted in the sandbox's request log, and that they still show
 * what the patient's whole history shows.
 */
class EmrReadCostTest {

    private static EmrSandbox sandbox;
    private static IGenericClient raw;
    private static List<String> patients;

    @BeforeAll
    static void start() {
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults());
        FhirContext ctx = FhirContext.forR4();
        ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        raw = ctx.newRestfulGenericClient(sandbox.fhirBaseUrl());
        patients = new ArrayList<>();
        for (Resource r : all(raw.search()
                .forResource(Patient.class)
                .count(100)
                .returnBundle(Bundle.class)
                .execute())) {
            patients.add(r.getIdElement().getIdPart());
        }
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void resetFaults() {
        sandbox.faults().reset();
    }

    /** A client of its own: what it learned about the EMR starts empty. */
    private static EmrClient newClient() {
        return new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl()));
    }

    private static List<RequestLog.Entry> fhirRequests() {
        return sandbox.requests().entries().stream()
                .filter(e -> !e.path().equals("/fhir/metadata"))
                .toList();
    }

    private static List<Resource> all(Bundle first) {
        List<Resource> out = new ArrayList<>();
        for (Bundle page = first; page != null; ) {
            page.getEntry().forEach(e -> out.add(e.getResource()));
            page = page.getLink("next") == null
                    ? null
                    : raw.loadPage().next(page).execute();
        }
        return out;
    }

    @Test
    void theSecondSummaryCostsSixRequestsBecauseTheRefusedIncludeIsRemembered() {
        EmrClient emr = newClient();
        sandbox.requests().clear();
        HealthSummary first = emr.healthSummary("demo-alex");
        List<RequestLog.Entry> firstRequests = fhirRequests();
        // the sandbox refuses MedicationRequest's _include once; the search is repeated without it
        assertThat(firstRequests).hasSize(7);
        assertThat(firstRequests)
                .filteredOn(e -> e.status() == 400)
                .singleElement()
                .satisfies(e -> assertThat(e.query()).contains("_include"));

        sandbox.requests().clear();
        HealthSummary second = emr.healthSummary("demo-alex");
        List<RequestLog.Entry> secondRequests = fhirRequests();
        assertThat(secondRequests).hasSize(6).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(String.valueOf(e.query())).doesNotContain("_include");
        });
        assertThat(secondRequests)
                .extracting(RequestLog.Entry::path)
                .containsExactlyInAnyOrder(
                        "/fhir/Patient/demo-alex",
                        "/fhir/AllergyIntolerance",
                        "/fhir/Condition",
                        "/fhir/MedicationRequest",
                        "/fhir/Immunization",
                        "/fhir/Observation/$lastn");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void theSummaryAsksForTheElementsItShowsAndShowsWhatTheWholeResourcesShow() {
        EmrClient emr = newClient();
        for (String id : patients) {
            sandbox.requests().clear();
            HealthSummary s = emr.healthSummary(id);
            // all but $lastn (a handful of vital signs, whole), the refused _include (whole: it would cut the included
            // Medications too) and the search for the Medications it did not bring
            assertThat(fhirRequests())
                    .filteredOn(e -> e.status() == 200
                            && !e.path().startsWith("/fhir/Observation")
                            && !e.path().equals("/fhir/Medication"))
                    .hasSize(5)
                    .allSatisfy(e -> assertThat(String.valueOf(e.query())).contains("_elements="));
            Patient whole = raw.read().resource(Patient.class).withId(id).execute();
            assertThat(s.getPatient()).as("profile of %s", id).isEqualTo(PatientMapping.profile(whole));
            assertThat(s.getAllergiesList())
                    .as("allergies of %s", id)
                    .containsExactlyInAnyOrderElementsOf(whole(AllergyIntolerance.class, id).stream()
                            .map(ClinicalMapping::allergy)
                            .toList());
            assertThat(s.getProblemsList())
                    .as("problems of %s", id)
                    .containsExactlyInAnyOrderElementsOf(whole(Condition.class, id).stream()
                            .map(ClinicalMapping::problem)
                            .toList());
            assertThat(s.getMedicationsList())
                    .as("medications of %s", id)
                    .containsExactlyInAnyOrderElementsOf(whole(MedicationRequest.class, id).stream()
                            .map(EmrReadCostTest::withMedication)
                            .map(ClinicalMapping::medication)
                            .toList());
            assertThat(s.getImmunizationsList())
                    .as("immunizations of %s", id)
                    .containsExactlyInAnyOrderElementsOf(whole(Immunization.class, id).stream()
                            .map(ClinicalMapping::immunization)
                            .toList());
        }
        // the sandbox, as HAPI's server does, answers the listed elements only: less to encode and to parse
        String withIdentifiers = patients.stream()
                .filter(id ->
                        raw.read().resource(Patient.class).withId(id).execute().hasIdentifier())
                .findFirst()
                .orElseThrow();
        Patient subset = raw.read()
                .resource(Patient.class)
                .withId(withIdentifiers)
                .elementsSubset(PatientMapping.ELEMENTS.toArray(String[]::new))
                .execute();
        assertThat(subset.hasName()).isTrue();
        assertThat(subset.hasIdentifier() || subset.hasExtension() || subset.hasAddress() || subset.hasText())
                .isFalse();
    }

    /** The patient's resources of a type, whole, as the sandbox answers them without _elements. */
    private static <T extends Resource> List<T> whole(Class<T> type, String patientId) {
        return all(raw.search()
                        .forResource(type)
                        .where(new ReferenceClientParam("patient").hasId(patientId))
                        .count(500)
                        .returnBundle(Bundle.class)
                        .execute())
                .stream()
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static MedicationRequest withMedication(MedicationRequest r) {
        if (r.hasMedicationReference()) {
            r.getMedicationReference()
                    .setResource(raw.read()
                            .resource(Medication.class)
                            .withId(r.getMedicationReference()
                                    .getReferenceElement()
                                    .getIdPart())
                            .execute());
        }
        return r;
    }

    @Test
    void theMedicationsTheEmrDidNotIncludeAreSearchedByIdInOneRequest() {
        // among all the sandbox's patients, the one with the most (Synthea writes a Medication per request)
        String id =
                all(raw.search()
                                .forResource(Patient.class)
                                .count(500)
                                .returnBundle(Bundle.class)
                                .execute())
                        .stream()
                        .map(p -> p.getIdElement().getIdPart())
                        .max(Comparator.comparingInt(
                                p -> medicationReferences(p).size()))
                        .orElseThrow();
        java.util.Set<String> references = medicationReferences(id);
        assertThat(references).hasSizeGreaterThan(2).hasSizeLessThanOrEqualTo(HealthSummaries.MEDICATIONS_PER_SEARCH);
        EmrClient emr = newClient();
        emr.healthSummary(id); // learns the refused include
        sandbox.requests().clear();
        HealthSummary summary = emr.healthSummary(id);
        // one search instead of a read each
        assertThat(fhirRequests())
                .filteredOn(e ->
                        e.path().startsWith("/fhir/Medication") && !e.path().startsWith("/fhir/MedicationRequest"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.path()).isEqualTo("/fhir/Medication");
                    assertThat(java.net.URLDecoder.decode(e.query(), java.nio.charset.StandardCharsets.UTF_8))
                            .contains(references);
                });
        // every one of them resolved: the names are the Medications' own
        assertThat(summary.getMedicationsList())
                .containsExactlyInAnyOrderElementsOf(whole(MedicationRequest.class, id).stream()
                        .map(EmrReadCostTest::withMedication)
                        .map(ClinicalMapping::medication)
                        .toList());
    }

    private static java.util.Set<String> medicationReferences(String patientId) {
        return whole(MedicationRequest.class, patientId).stream()
                .filter(MedicationRequest::hasMedicationReference)
                .map(r -> r.getMedicationReference().getReferenceElement().getIdPart())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** The most requests the EMR was answering at one moment. */
    private static int mostAtOnce(List<RequestLog.Entry> requests) {
        int most = 0;
        for (RequestLog.Entry e : requests) {
            long at = e.receivedNanos();
            most = Math.max(most, (int) requests.stream()
                    .filter(o -> o.receivedNanos() <= at && o.answeredNanos() > at)
                    .count());
        }
        return most;
    }

    @Test
    void neverMoreRequestsAreOutThanTheAdapterHasConnectionsAndTheRestWaitTheirTurn() {
        EmrClient emr =
                new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl()).withMaxConnections(2));
        emr.healthSummary("demo-sam"); // learns the refused include
        HealthSummary unhurried = emr.healthSummary("demo-alex");
        sandbox.requests().clear();
        sandbox.faults().delayEveryAnswer(Duration.ofMillis(200));
        HealthSummary summary = emr.healthSummary("demo-alex");
        assertThat(fhirRequests()).hasSizeGreaterThanOrEqualTo(6);
        assertThat(mostAtOnce(fhirRequests())).isEqualTo(2);
        assertThat(summary).isEqualTo(unhurried);
    }

    @Test
    void theSummarysReadsAreSentTogether() {
        EmrClient emr = newClient();
        emr.healthSummary("demo-sam"); // learns the refused include
        sandbox.requests().clear();
        sandbox.faults().delayEveryAnswer(Duration.ofMillis(300));
        emr.healthSummary("demo-alex");
        List<RequestLog.Entry> requests = fhirRequests();
        assertThat(requests).hasSize(6);
        long firstAnswer = requests.stream()
                .mapToLong(RequestLog.Entry::answeredNanos)
                .min()
                .orElseThrow();
        // one after another, only one request would have arrived before the first answer
        assertThat(requests).allSatisfy(e -> assertThat(e.receivedNanos()).isLessThan(firstAnswer));
    }

    @Test
    void theLatestVitalSignsAreThoseOfTheWholeHistory() {
        EmrClient emr = newClient();
        for (String id : patients) {
            sandbox.requests().clear();
            HealthSummary s = emr.healthSummary(id);
            assertThat(fhirRequests())
                    .filteredOn(e -> e.path().startsWith("/fhir/Observation"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.path()).isEqualTo("/fhir/Observation/$lastn"));
            assertThat(s.getVitalSignsList())
                    .as("vital signs of %s", id)
                    .extracting(LabResult::getId)
                    .containsExactlyElementsOf(latestOfEachCodeInTheWholeHistory(id));
        }
    }

    /** The summary's vital signs as the adapter found them before $lastn: the whole history, latest per code. */
    private static List<String> latestOfEachCodeInTheWholeHistory(String patientId) {
        List<Observation> vitals = all(raw.search()
                        .forResource(Observation.class)
                        .where(Observation.PATIENT.hasId(patientId))
                        .and(Observation.CATEGORY.exactly().code("vital-signs"))
                        .count(500)
                        .returnBundle(Bundle.class)
                        .execute())
                .stream()
                .map(Observation.class::cast)
                .toList();
        Map<String, String> latest = new LinkedHashMap<>();
        vitals.stream()
                .sorted(Comparator.comparing(
                        ObservationMapping::effective, Comparator.nullsLast(Comparator.reverseOrder())))
                .forEach(o -> latest.putIfAbsent(
                        codeKey(o.getCode()), o.getIdElement().getIdPart()));
        return List.copyOf(latest.values());
    }

    private static String codeKey(CodeableConcept code) {
        return code.hasCoding()
                ? code.getCodingFirstRep().getSystem() + "|"
                        + code.getCodingFirstRep().getCode()
                : String.valueOf(code.getText());
    }

    @Test
    void aVisitsPageAsksTheEmrForThatPageOnly() {
        String id = patients.stream()
                .filter(p -> encounters(p).size() > 12)
                .findFirst()
                .orElseThrow();
        List<String> expected = encounters(id).stream()
                .sorted(Comparator.comparing(
                        (Encounter e) -> e.getPeriod().getStart(), Comparator.nullsLast(Comparator.reverseOrder())))
                .map(e -> e.getIdElement().getIdPart())
                .toList();
        EmrClient emr = newClient();

        sandbox.requests().clear();
        Page<Visit> first = emr.visits(id, 5, "");
        assertThat(first.items()).extracting(Visit::getId).containsExactlyElementsOf(expected.subList(0, 5));
        assertThat(fhirRequests())
                .filteredOn(e -> e.path().equals("/fhir/Encounter"))
                .singleElement()
                .satisfies(e -> assertThat(e.query()).contains("_sort=-date").contains("_count=6"));

        sandbox.requests().clear();
        Page<Visit> second = emr.visits(id, 5, first.nextPageToken());
        assertThat(second.items()).extracting(Visit::getId).containsExactlyElementsOf(expected.subList(5, 10));
        assertThat(second.nextPageToken()).isNotEmpty();
        assertThat(fhirRequests())
                .filteredOn(e -> e.path().equals("/fhir/Encounter"))
                .singleElement()
                .satisfies(e -> assertThat(e.query()).contains("_count=11"));

        // the last page: nothing after it
        int lastOffset = (expected.size() - 1) / 5 * 5;
        Page<Visit> last = emr.visits(id, 5, Page.encodeToken(lastOffset));
        assertThat(last.items())
                .extracting(Visit::getId)
                .containsExactlyElementsOf(expected.subList(lastOffset, expected.size()));
        assertThat(last.nextPageToken()).isEmpty();
    }

    private static List<Encounter> encounters(String patientId) {
        return all(raw.search()
                        .forResource(Encounter.class)
                        .where(Encounter.PATIENT.hasId(patientId))
                        .count(500)
                        .returnBundle(Bundle.class)
                        .execute())
                .stream()
                .map(Encounter.class::cast)
                .toList();
    }

    @Test
    void aLabPageAsksForItsOwnResultsOnly() {
        EmrClient emr = newClient();
        sandbox.requests().clear();
        Page<LabReport> page = emr.labReports("demo-alex", 0, "");
        assertThat(page.items()).flatExtracting(LabReport::getResultsList).hasSize(7);
        assertThat(fhirRequests())
                .filteredOn(e -> e.path().equals("/fhir/Observation"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.query()).contains("_id="));

        sandbox.requests().clear();
        assertThat(emr.labReports("demo-alex", 0, "")).isEqualTo(page);
        assertThat(fhirRequests()).allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
    }
}
