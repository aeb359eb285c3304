package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.Visit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The client against fixture data served over HTTP with paging: search pages are followed, lists are sorted. */
class EmrClientFixtureTest {

    private static FixtureFhirServer server;
    private static EmrClient emr;

    @BeforeAll
    static void start() throws Exception {
        server = new FixtureFhirServer("synthea-record.json");
        // two resources per FHIR page: every search below has to follow next links
        emr = new EmrClient(EmrSettings.defaults(server.baseUrl())
                .withSearchPageSize(2)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthSummaryCollectsEveryPage() {
        HealthSummary s = emr.healthSummary("synthea-1");
        assertThat(s.getPatient().getFamilyName()).isEqualTo("Rohan584");
        assertThat(s.getAllergiesList())
                .extracting(a -> a.getSubstance())
                .containsExactly("Allergy to peanuts", "Latex allergy");
        assertThat(s.getProblemsList())
                .extracting(p -> p.getName())
                .containsExactly("Diabetes mellitus type 2 (disorder)", "Viral sinusitis (disorder)"); // active first
        assertThat(s.getMedicationsList())
                .extracting(m -> m.getName())
                .containsExactly(
                        "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
                        "Acetaminophen 325 MG Oral Tablet");
        assertThat(s.getImmunizationsList())
                .extracting(i -> i.getOccurrenceDate())
                .containsExactly("2024-10-01", "2018-02-11");
        // the latest value per vital sign: height 175.5 (2025), not 175.2 (2023); smoking status is no vital sign
        assertThat(s.getVitalSignsList())
                .extracting(v -> v.getValueText())
                .containsExactlyInAnyOrder("175.5 cm", "128/82 mm[Hg]");
    }

    @Test
    void visitsArePagedNewestFirst() {
        Page<Visit> first = emr.visits("synthea-1", 2, "");
        assertThat(first.items()).extracting(Visit::getId).containsExactly("enc-1", "enc-3");
        assertThat(first.nextPageToken()).isNotEmpty();
        Page<Visit> second = emr.visits("synthea-1", 2, first.nextPageToken());
        assertThat(second.items()).extracting(Visit::getId).containsExactly("enc-2");
        assertThat(second.nextPageToken()).isEmpty();
    }

    @Test
    void labReportsWithResultsAndWithoutNotes() {
        Page<LabReport> page = emr.labReports("synthea-1", 10, "");
        assertThat(page.items()).extracting(LabReport::getId).containsExactly("dr-1", "dr-old");
        assertThat(page.items().get(0).getResultsList())
                .singleElement()
                .satisfies(r -> assertThat(r.getNumericValue()).isEqualTo(6.8));
    }

    @Test
    void documentContentOnlyForItsOwnPatient() {
        var doc = emr.document("synthea-1", "doc-1").orElseThrow();
        assertThat(doc.getDocument().getTitle()).isEqualTo("History and physical note");
        assertThat(doc.getContent().toString(StandardCharsets.UTF_8)).startsWith("Patient is a 45 year-old male.");
        assertThat(emr.document("someone-else", "doc-1")).isEmpty();
        assertThat(emr.document("synthea-1", "nope")).isEmpty();
    }

    @Test
    void exportHasTheWholeRecordOnce() {
        String json = Exports.json(emr, "synthea-1");
        assertThat(json).startsWith("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":\"");
        var bundle = emr.fhirContext().newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, json);
        List<String> types = new ArrayList<>();
        bundle.getEntry().forEach(e -> types.add(e.getResource().fhirType()));
        assertThat(types)
                .contains(
                        "Patient",
                        "AllergyIntolerance",
                        "Condition",
                        "MedicationRequest",
                        "Immunization",
                        "Observation",
                        "DiagnosticReport",
                        "Encounter",
                        "DocumentReference");
        assertThat(bundle.getEntry()).hasSize(21); // every fixture resource of the patient, each once
        assertThat(bundle.getEntryFirstRep().getFullUrl()).isEqualTo(server.baseUrl() + "/Patient/synthea-1");
        assertThat(bundle.getEntry())
                .allSatisfy(e -> assertThat(e.getFullUrl())
                        .isEqualTo(server.baseUrl() + "/" + e.getResource().fhirType() + "/"
                                + e.getResource().getIdElement().getIdPart()));
        // a collection is no search result: bdl-1 allows a total only on searchset and history
        assertThat(bundle.hasTotal()).isFalse();
        assertThat(json).doesNotContain("\"total\"");
    }

    @Test
    void exportOfAnUnknownPatientFailsBeforeAnyByte() {
        assertThatThrownBy(() -> emr.openExport("nobody")).isInstanceOf(UnknownPatientException.class);
    }

    @Test
    void unknownPatientAndMalformedIds() {
        assertThat(emr.patientProfile("nobody")).isEmpty();
        assertThatThrownBy(() -> emr.healthSummary("nobody")).isInstanceOf(UnknownPatientException.class);
        assertThatThrownBy(() -> emr.visits("nobody", 0, "")).isInstanceOf(UnknownPatientException.class);
        int before = server.requests.get();
        assertThatThrownBy(() -> emr.patientProfile("../Patient?_id=x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emr.visits("synthea-1", 0, "garbage!")).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests.get()).isEqualTo(before); // bad input never reaches the EMR
    }

    @Test
    void verifyPatientNeedsIdAndBirthDate() {
        assertThat(emr.verifyPatient("synthea-1", "1980-03-04")).isTrue();
        assertThat(emr.verifyPatient("synthea-1", "1980-03-05")).isFalse();
        assertThat(emr.verifyPatient("nobody", "1980-03-04")).isFalse();
        assertThat(emr.verifyPatient("bad id!", "1980-03-04")).isFalse();
    }
}
