package health.portal.emr.sandbox.requests;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The FHIR requests the sandbox answered, in the order they finished, for callers' tests that count what a feature
 * costs the EMR (how many requests a health summary makes, that a refused search is not repeated). Keeps the last
 * {@link #KEPT} only; identifiers and parameters, no bodies.
 */
public final class RequestLog {

    static final int KEPT = 10_000;

    /**
     * One answered request: method, path under the server (e.g. {@code /fhir/Observation}), query, HTTP status, and
     * when it arrived and was answered ({@link System#nanoTime()}), which tells requests that overlapped.
     */
    public record Entry(String method, String path, String query, int status, long receivedNanos, long answeredNanos) {

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " -> " + status;
        }
    }

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    void received() {
        inFlight.incrementAndGet();
    }

    void answered(Entry entry) {
        try {
            add(entry);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Waits until no request is between arrival and its entry here: a client has its answer a moment before the
     * sandbox has written the entry, so a test that just got its answer waits here before it counts.
     */
    public void awaitIdle() {
        long end = System.nanoTime() + 5_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void add(Entry entry) {
        entries.add(entry);
        if (size.incrementAndGet() > KEPT && entries.poll() != null) {
            size.decrementAndGet();
        }
    }

    /** The requests answered since the last {@link #clear()}, in the order they were answered. */
    public List<Entry> entries() {
        awaitIdle();
        return new ArrayList<>(entries);
    }

    /** Forgets what was answered so far, once the requests whose answers are out are written here too. */
    public void clear() {
        awaitIdle();
        entries.clear();
        size.set(0);
    }
}
