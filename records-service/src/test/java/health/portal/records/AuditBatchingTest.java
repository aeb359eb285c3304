package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.Outcome;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.PatientRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concurrent reads are audited in groups: each call still answers only with its own record written, every record
 * reaches the audit topic once, and the records of calls that finish together go to Kafka together (the operator's
 * metric portal_records_audit_batch_size shows groups larger than one).
 */
class AuditBatchingTest extends GrpcTestBase {

    static final int CALLS = 24;

    @LocalServerPort
    int managementPort;

    @AfterEach
    void emrAnswersAtOnceAgain() {
        SharedSandbox.get().faults().reset();
    }

    @Test
    void readsThatFinishTogetherAreAuditedTogetherAndEachOnce() throws Exception {
        // the EMR answers all of them after the same pause: their audit records arrive within a few milliseconds
        SharedSandbox.get().faults().delayEveryAnswer(Duration.ofMillis(300));
        List<String> correlationIds = new ArrayList<>();
        List<CompletableFuture<PatientProfile>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                String correlationId = newCorrelationId();
                correlationIds.add(correlationId);
                calls.add(CompletableFuture.supplyAsync(
                        () -> stub(tokens.patient("demo-alex"), correlationId)
                                .getPatientProfile(PatientRequest.newBuilder()
                                        .setPatientId("demo-alex")
                                        .build()),
                        clients));
            }
            for (CompletableFuture<PatientProfile> call : calls) {
                assertThat(call.get().getFamilyName()).isEqualTo("Rivera");
            }
        }
        for (String correlationId : correlationIds) {
            AuditLog.Entry entry = audit().awaitOne(correlationId);
            assertThat(entry.event().getAction()).isEqualTo("records.GetPatientProfile");
            assertThat(entry.event().getOutcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(entry.key()).isEqualTo("demo-alex");
        }
        assertThat(largestGroup()).isGreaterThan(1);
    }

    private double largestGroup() {
        String metrics = RestClient.create("http://127.0.0.1:" + managementPort)
                .get()
                .uri("/actuator/prometheus")
                .retrieve()
                .body(String.class);
        Matcher max = Pattern.compile("(?m)^portal_records_audit_batch_size_max\\S* (\\S+)$")
                .matcher(metrics);
        assertThat(max.find())
                .as("portal_records_audit_batch_size_max in %s", metrics)
                .isTrue();
        return Double.parseDouble(max.group(1));
    }
}
