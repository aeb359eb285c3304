package health.portal.benchmarks.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load generator: {@code clients} threads, each sending its next request as soon as the previous one
 * answered (like wrk, so latencies under overload are those of the requests sent, not of an arrival schedule).
 * A warm-up phase runs first and is discarded; then every request that completes inside the measuring window is
 * counted and its latency recorded in an HdrHistogram (microseconds, 3 significant digits).
 *
 * <p>Bounded in time (warm-up + window; each call must carry its own timeout) and in count ({@code maxRequests}
 * over both phases), so a run always ends by itself.
 */
public final class LoadGenerator {

    /** Highest latency the histograms track; longer ones are recorded as this. */
    static final long MAX_TRACKED_MICROS = TimeUnit.MINUTES.toMicros(2);

    /** One request of one client. Returns null when it succeeded, else a short label of the error. */
    @FunctionalInterface
    public interface Call {
        String call(int client) throws Exception;
    }

    private LoadGenerator() {}

    public static LoadResult run(
            String name, int clients, Duration warmup, Duration window, long maxRequests, Call call) {
        if (clients < 1 || window.isZero() || window.isNegative() || maxRequests < 1) {
            throw new IllegalArgumentException("clients, window and maxRequests must be positive");
        }
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + window.toNanos();
        AtomicLong budget = new AtomicLong(maxRequests);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        LongAdder warmupRequests = new LongAdder();
        List<Histogram> histograms = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong lastCompletion = new AtomicLong(measureFrom);
        for (int i = 0; i < clients; i++) {
            Histogram histogram = new Histogram(MAX_TRACKED_MICROS, 3);
            long[] measured = new long[2]; // [0] ok + errors in window, [1] errors in window
            histograms.add(histogram);
            counts.add(measured);
            int client = i;
            threads.add(Thread.ofPlatform().name(name + "-client-" + i).start(() -> {
                while (System.nanoTime() < measureUntil && budget.getAndDecrement() > 0) {
                    long begin = System.nanoTime();
                    String error;
                    try {
                        error = call.call(client);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName();
                    }
                    long end = System.nanoTime();
                    if (end < measureFrom) {
                        warmupRequests.increment();
                        if (error != null) {
                            errors.computeIfAbsent("warm-up: " + error, k -> new LongAdder())
                                    .increment();
                        }
                    } else if (end <= measureUntil) {
                        measured[0]++;
                        histogram.recordValue(Math.min(MAX_TRACKED_MICROS, (end - begin) / 1_000));
                        if (error != null) {
                            measured[1]++;
                            errors.computeIfAbsent(error, k -> new LongAdder()).increment();
                        }
                        lastCompletion.accumulateAndGet(end, Math::max);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + name, e);
            }
        }
        Histogram all = new Histogram(MAX_TRACKED_MICROS, 3);
        histograms.forEach(all::add);
        long requests = counts.stream().mapToLong(c -> c[0]).sum();
        long failed = counts.stream().mapToLong(c -> c[1]).sum();
        // a count-bounded run ends early: its window is what it really used
        long windowEnd = budget.get() <= 0 ? Math.min(measureUntil, lastCompletion.get()) : measureUntil;
        Duration measured = Duration.ofNanos(Math.max(1, windowEnd - measureFrom));
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new LoadResult(
                name, clients, warmup, measured, warmupRequests.sum(), requests, failed, errorCounts, all);
    }
}
