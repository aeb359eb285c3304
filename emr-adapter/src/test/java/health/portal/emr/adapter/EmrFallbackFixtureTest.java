package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.Visit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An EMR with less than the sandbox (the fixture server: no $lastn, no _sort, no _include): the adapter asks the long
 * way, shows the same, and does not pay for the refused request again.
 */
class EmrFallbackFixtureTest {

    private FixtureFhirServer server;
    private EmrClient emr;

    @BeforeEach
    void start() throws Exception {
        server = new FixtureFhirServer("synthea-record.json");
        emr = new EmrClient(EmrSettings.defaults(server.baseUrl())
                .withSearchPageSize(2)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void withoutLastnTheWholeHistoryGivesTheLatestVitalSignsAndLastnIsNotAskedAgain() {
        HealthSummary first = emr.healthSummary("synthea-1");
        assertThat(first.getVitalSignsList())
                .extracting(v -> v.getValueText())
                .containsExactlyInAnyOrder("175.5 cm", "128/82 mm[Hg]");
        HealthSummary second = emr.healthSummary("synthea-1");
        assertThat(second).isEqualTo(first);
        assertThat(server.paths).filteredOn("/Observation/$lastn"::equals).hasSize(1);
    }

    @Test
    void aServerThatIgnoresElementsAnswersTheWholePatientAndTheSummaryShowsTheSame() {
        HealthSummary summary = emr.healthSummary("synthea-1");
        // the fixture server answers every read whole, whatever _elements asks
        assertThat(summary.getPatient().getFamilyName()).isEqualTo("Rohan584");
        assertThat(summary.getPatient().getBirthDate()).isEqualTo("1980-03-04");
        assertThat(patientReadQueries()).singleElement().asString().contains("_elements=");
    }

    @Test
    void aServerThatRefusesElementsIsAskedForTheWholePatientAndNotAskedAgain() {
        server.refusedParameters.add("_elements");
        HealthSummary first = emr.healthSummary("synthea-1");
        HealthSummary second = emr.healthSummary("synthea-1");
        assertThat(first.getPatient().getFamilyName()).isEqualTo("Rohan584");
        assertThat(second).isEqualTo(first);
        // refused once, then the whole resource: three reads of the patient for two summaries, not four
        assertThat(patientReadQueries())
                .hasSize(3)
                .satisfies(q -> assertThat(q.get(0)).contains("_elements="))
                .satisfies(q -> assertThat(q.subList(1, 3))
                        .allSatisfy(rest -> assertThat(rest).doesNotContain("_elements")));
    }

    @Test
    void fromAServerThatRefusesTheSearchByIdTheMedicationsAreReadOneByOne() {
        // med-2 refers to Medication m-9, which the fixture server does not include
        HealthSummary found = emr.healthSummary("synthea-1");
        assertThat(server.paths).contains("/Medication").doesNotContain("/Medication/m-9");
        server.refusedParameters.add("_id");
        server.paths.clear();
        server.queries.clear();
        HealthSummary read = emr.healthSummary("synthea-1");
        assertThat(server.paths).contains("/Medication/m-9");
        assertThat(read.getMedicationsList()).extracting(m -> m.getName()).contains("Acetaminophen 325 MG Oral Tablet");
        assertThat(read).isEqualTo(found);
    }

    private List<String> patientReadQueries() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < server.paths.size(); i++) {
            if (server.paths.get(i).equals("/Patient/synthea-1")) {
                out.add(server.queries.get(i));
            }
        }
        return out;
    }

    @Test
    void aServerThatIgnoresSortStillGivesNewestFirstPages() {
        Page<Visit> first = emr.visits("synthea-1", 1, "");
        Page<Visit> second = emr.visits("synthea-1", 1, first.nextPageToken());
        Page<Visit> third = emr.visits("synthea-1", 1, second.nextPageToken());
        assertThat(first.items()).extracting(Visit::getId).containsExactly("enc-1");
        assertThat(second.items()).extracting(Visit::getId).containsExactly("enc-3");
        assertThat(third.items()).extracting(Visit::getId).containsExactly("enc-2");
        assertThat(third.nextPageToken()).isEmpty();
    }
}
