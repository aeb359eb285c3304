package health.portal.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.benchmarks.proxy.FixedJsonBackend;
import health.portal.benchmarks.support.LoopbackHttp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The harness against a real HTTP server: counts, percentiles and errors as a benchmark report shows them. */
class LoadGeneratorTest {

    @Test
    void measuresEveryAnsweredRequestOfTheWindow() {
        try (FixedJsonBackend backend = FixedJsonBackend.start(200)) {
            LoadResult result = run(backend, 2, Duration.ofMillis(300), Duration.ofSeconds(2), 1_000_000);

            assertThat(result.requests()).isPositive();
            assertThat(result.failed()).isZero();
            assertThat(result.errors()).isEmpty();
            assertThat(result.errorSummary()).isEqualTo("0");
            assertThat(result.warmupRequests()).isPositive();
            assertThat(result.latencies().getTotalCount()).isEqualTo(result.requests());
            assertThat(result.percentileMicros(50)).isPositive().isLessThanOrEqualTo(result.percentileMicros(99));
            assertThat(result.percentileMicros(99)).isLessThanOrEqualTo(result.maxMicros());
            assertThat(result.throughputPerSecond()).isPositive();
            // the backend saw every measured and warm-up request, and a few in flight at the end at most
            assertThat(backend.served()).isGreaterThanOrEqualTo(result.requests() + result.warmupRequests());
        }
    }

    @Test
    void countsRefusalsAsErrorsByLabel() {
        try (FixedJsonBackend backend = FixedJsonBackend.start(503)) {
            LoadResult result = run(backend, 2, Duration.ZERO, Duration.ofMinutes(1), 40);

            assertThat(result.requests()).isEqualTo(40);
            assertThat(result.failed()).isEqualTo(40);
            assertThat(result.errors()).containsOnlyKeys("HTTP 503");
            assertThat(result.errorSummary()).startsWith(result.requests() + " (HTTP 503: ");
        }
    }

    @Test
    void stopsAtTheRequestCapLongBeforeTheWindowEnds() {
        try (FixedJsonBackend backend = FixedJsonBackend.start(200)) {
            long begin = System.nanoTime();
            LoadResult result = run(backend, 3, Duration.ZERO, Duration.ofMinutes(5), 25);

            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMinutes(1));
            assertThat(result.requests()).isEqualTo(25);
            assertThat(backend.served()).isEqualTo(25);
            assertThat(result.window()).isLessThan(Duration.ofMinutes(1));
        }
    }

    private static LoadResult run(FixedJsonBackend backend, int clients, Duration warmup, Duration window, long cap) {
        List<HttpClient> http = java.util.stream.IntStream.range(0, clients)
                .mapToObj(i -> LoopbackHttp.client())
                .toList();
        URI uri = URI.create(backend.baseUrl() + "/api/me");
        return LoadGenerator.run("test", clients, warmup, window, cap, client -> {
            HttpResponse<String> response = http.get(client)
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().equals(FixedJsonBackend.BODY)
                    ? null
                    : "HTTP " + response.statusCode();
        });
    }
}
