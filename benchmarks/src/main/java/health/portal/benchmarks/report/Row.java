package health.portal.benchmarks.report;

import health.portal.benchmarks.load.LoadResult;

/** One line of a results table, whatever produced it (the Java harness or wrk). Latencies in microseconds. */
public record Row(
        String name,
        String client,
        int connections,
        double windowSeconds,
        long requests,
        double throughput,
        long p50,
        long p90,
        long p99,
        long max,
        String errors,
        long errorCount) {

    public static Row of(LoadResult result) {
        return new Row(
                result.name(),
                "Java harness (HdrHistogram)",
                result.clients(),
                result.window().toNanos() / 1e9,
                result.requests(),
                result.throughputPerSecond(),
                result.percentileMicros(50),
                result.percentileMicros(90),
                result.percentileMicros(99),
                result.maxMicros(),
                result.errorSummary(),
                result.allErrors());
    }
}
