package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

/** Outage behaviour against an endpoint that fails on demand: typed errors, bounded time, a circuit that opens and heals. */
class EmrResilienceTest {

    private FixtureFhirServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FixtureFhirServer("synthea-record.json");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private EmrClient client(Duration openWait) {
        return new EmrClient(EmrSettings.defaults(server.baseUrl())
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(700))
                .withRetry(3, Duration.ofMillis(20))
                .withCircuitBreaker(50f, 6, 6, openWait));
    }

    @Test
    void serverErrorsAreRetriedThenOpenTheCircuitThenItHeals() {
        EmrClient emr = client(Duration.ofMillis(1500));
        server.mode.set(FixtureFhirServer.Mode.ERROR_500);

        assertThatThrownBy(() -> emr.patientProfile("synthea-1")).isInstanceOf(EmrUnavailableException.class);
        assertThat(server.requests.get()).isEqualTo(3); // a read is retried
        assertThatThrownBy(() -> emr.patientProfile("synthea-1")).isInstanceOf(EmrUnavailableException.class);
        assertThat(emr.guard().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);

        int sent = server.requests.get();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> emr.healthSummary("synthea-1"))
                .isInstanceOfSatisfying(
                        EmrUnavailableException.class,
                        e -> assertThat(e.circuitOpen()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(server.requests.get()).isEqualTo(sent); // fast failure: nothing sent to the EMR

        server.mode.set(FixtureFhirServer.Mode.NORMAL);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(emr.patientProfile("synthea-1")).isPresent());
        assertThat(emr.guard().circuitState()).isNotEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void theChangeFeedFailingOpensItsOwnCircuitNotThePatientsOne() {
        EmrClient emr = client(Duration.ofSeconds(30));
        server.failingParameters.add("_lastUpdated");
        ChangeFeed feed = emr.changes();

        assertThatThrownBy(() -> feed.since("DiagnosticReport", Instant.EPOCH))
                .isInstanceOf(EmrUnavailableException.class);
        assertThatThrownBy(() -> feed.since("DiagnosticReport", Instant.EPOCH))
                .isInstanceOf(EmrUnavailableException.class);
        int sent = server.requests.get();
        assertThatThrownBy(() -> feed.since("DiagnosticReport", Instant.EPOCH))
                .as("the feed's circuit is open: it stops asking")
                .isInstanceOfSatisfying(
                        EmrUnavailableException.class,
                        e -> assertThat(e.circuitOpen()).isTrue());
        assertThat(server.requests.get()).isEqualTo(sent);

        assertThat(emr.guard().circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(emr.patientProfile("synthea-1")).as("patients' reads go on").isPresent();
        assertThat(emr.healthSummary("synthea-1").getPatient().getFamilyName()).isEqualTo("Rohan584");
    }

    @Test
    void invalidFhirIsTypedAndNotRetried() {
        EmrClient emr = client(Duration.ofSeconds(30));
        server.mode.set(FixtureFhirServer.Mode.GARBAGE);
        assertThatThrownBy(() -> emr.patientProfile("synthea-1"))
                .isInstanceOf(EmrInvalidDataException.class)
                .hasMessageNotContaining("Patient\",\"birthDate");
        assertThat(server.requests.get()).isEqualTo(1);
        assertThat(emr.guard().circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aSilentEmrTimesOutWithinTheBudget() {
        EmrClient emr = client(Duration.ofSeconds(30));
        server.slowMillis = 10_000;
        server.mode.set(FixtureFhirServer.Mode.SLOW);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> emr.patientProfile("synthea-1")).isInstanceOf(EmrUnavailableException.class);
        // 3 attempts x 0.7 s read timeout + backoff, far below the server's 10 s
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void nothingListening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmrClient emr = new EmrClient(EmrSettings.defaults("http://127.0.0.1:" + port + "/fhir")
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500))
                .withRetry(2, Duration.ofMillis(10)));
        assertThatThrownBy(() -> emr.healthSummary("synthea-1")).isInstanceOf(EmrUnavailableException.class);
    }
}
