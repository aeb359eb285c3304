package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.Visit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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
