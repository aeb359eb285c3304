package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.Outcome;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.PagedPatientRequest;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.VisitPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An EMR that ignores the patient filter (the sandbox's fault switch answers a patient's search with every patient's
 * resources) shows nobody another patient's record: the foreign resources are dropped, the drop is audited with the
 * patient the call was for and counted for the alert, and the answer is exactly what a correct EMR gives.
 */
class ForeignResourceTest extends GrpcTestBase {

    static final String ALEX = "demo-alex";

    @LocalServerPort
    int managementPort;

    @AfterEach
    void emrFilterWorksAgain() {
        SharedSandbox.get().faults().reset();
    }

    @Test
    void aSummaryHoldsOnlyThePatientsOwnResourcesWhenTheEmrIgnoresTheFilter() {
        HealthSummary correct = summary(newCorrelationId());

        SharedSandbox.get().faults().ignorePatientFilter(true);
        String correlationId = newCorrelationId();
        HealthSummary underFault = summary(correlationId);

        assertThat(underFault).isEqualTo(correct);
        List<AuditLog.Entry> audited = audit().awaitAll(correlationId, 2);
        List<AuditLog.Entry> drops = audited.stream()
                .filter(e -> e.event().getAction().equals("records.ForeignResourcesDropped"))
                .toList();
        assertThat(drops).isNotEmpty().allSatisfy(e -> {
            assertThat(e.event().getPatientId()).isEqualTo(ALEX);
            assertThat(e.event().getOutcome()).isEqualTo(Outcome.FAILED);
            assertThat(e.event().getDetail()).contains("of another patient");
        });
        assertThat(drops).extracting(e -> e.event().getResource()).contains("Condition", "Observation");
        assertThat(metrics()).containsPattern("portal_records_foreign_resources_dropped_total\\S* [1-9]");
    }

    @Test
    void listsAndTheExportHoldOnlyThePatientsOwnResources() {
        VisitPage visits = visits();
        String export = export();

        SharedSandbox.get().faults().ignorePatientFilter(true);

        assertThat(visits()).isEqualTo(visits);
        assertThat(export())
                .isEqualTo(export.replaceFirst("\"timestamp\":\"[^\"]+\"", ""))
                .doesNotContain("\"reference\":\"Patient/demo-sam\"");
    }

    private HealthSummary summary(String correlationId) {
        return stub(tokens.patient(ALEX), correlationId)
                .getHealthSummary(PatientRequest.newBuilder().setPatientId(ALEX).build());
    }

    private VisitPage visits() {
        return stub(tokens.patient(ALEX), newCorrelationId())
                .listVisits(PagedPatientRequest.newBuilder()
                        .setPatientId(ALEX)
                        .setPageSize(100)
                        .build());
    }

    /** The export's JSON without its timestamp, which differs per export. */
    private String export() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        stub(tokens.patient(ALEX), newCorrelationId())
                .exportRecord(PatientRequest.newBuilder().setPatientId(ALEX).build())
                .forEachRemaining(chunk -> json.writeBytes(chunk.getData().toByteArray()));
        return json.toString(StandardCharsets.UTF_8).replaceFirst("\"timestamp\":\"[^\"]+\"", "");
    }

    private String metrics() {
        return RestClient.create("http://127.0.0.1:" + managementPort)
                .get()
                .uri("/actuator/prometheus")
                .retrieve()
                .body(String.class);
    }
}
