package health.portal.benchmarks.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;

/**
 * What one measured run gave. Latencies in microseconds; {@code requests} counts every request completed inside the
 * window, {@code failed} those among them that did not succeed (their labels and counts in {@code errors}, plus
 * any warm-up errors prefixed "warm-up:").
 */
public record LoadResult(
        String name,
        int clients,
        Duration warmup,
        Duration window,
        long warmupRequests,
        long requests,
        long failed,
        Map<String, Long> errors,
        Histogram latencies) {

    public double throughputPerSecond() {
        return requests / (window.toNanos() / 1e9);
    }

    public long percentileMicros(double percentile) {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile);
    }

    public long maxMicros() {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getMaxValue();
    }

    public double meanMicros() {
        return latencies.getTotalCount() == 0 ? 0 : latencies.getMean();
    }

    /** Warm-up errors too: a run that failed while warming up is not one to trust either. */
    public long allErrors() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public String errorSummary() {
        if (errors.isEmpty()) {
            return "0";
        }
        StringBuilder text = new StringBuilder(Long.toString(failed));
        text.append(" (");
        errors.forEach(
                (label, count) -> text.append(label).append(": ").append(count).append("; "));
        text.setLength(text.length() - 2);
        return text.append(')').toString();
    }

    @Override
    public String toString() {
        return String.format(
                "%s: %d clients, %d requests in %.1f s = %.1f/s, p50 %s p90 %s p99 %s max %s, errors %s",
                name,
                clients,
                requests,
                window.toNanos() / 1e9,
                throughputPerSecond(),
                millis(percentileMicros(50)),
                millis(percentileMicros(90)),
                millis(percentileMicros(99)),
                millis(maxMicros()),
                errorSummary());
    }

    /** Microseconds as milliseconds with two decimals, e.g. "12.35 ms". */
    public static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
