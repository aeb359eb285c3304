package health.portal.emr.sandbox.faults;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault switches for testing the sandbox's callers. They act on FHIR requests under /fhir except
 * {@code /fhir/metadata} (HAPI clients fetch it before their first call; failing it would hide the fault the
 * test meant to inject). Failures are used up first, then invalid answers; the delay applies to every answer; the
 * patient filter can be ignored for every search.
 */
public final class Faults {

    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger invalidAnswers = new AtomicInteger();
    private final AtomicLong delayMillis = new AtomicLong();
    private final AtomicBoolean ignorePatientFilter = new AtomicBoolean();

    /** The next {@code count} requests answer 500 with an OperationOutcome. */
    public Faults failNext(int count) {
        failures.set(requireNotNegative(count));
        return this;
    }

    /** The next {@code count} requests answer 200 with a malformed JSON body. */
    public Faults answerInvalidNext(int count) {
        invalidAnswers.set(requireNotNegative(count));
        return this;
    }

    /** Every answer is held back by {@code delay} until {@link #reset()}. */
    public Faults delayEveryAnswer(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        delayMillis.set(delay.toMillis());
        return this;
    }

    /**
     * Until {@link #reset()}, searches answer as if they named no patient: every patient's resources of the type, the
     * way a misconfigured EMR (or a proxy that drops the query) would answer a patient's search.
     */
    public Faults ignorePatientFilter(boolean ignore) {
        ignorePatientFilter.set(ignore);
        return this;
    }

    public boolean ignoresPatientFilter() {
        return ignorePatientFilter.get();
    }

    public Faults reset() {
        failures.set(0);
        invalidAnswers.set(0);
        delayMillis.set(0);
        ignorePatientFilter.set(false);
        return this;
    }

    public int pendingFailures() {
        return failures.get();
    }

    public int pendingInvalidAnswers() {
        return invalidAnswers.get();
    }

    public Duration delay() {
        return Duration.ofMillis(delayMillis.get());
    }

    enum Action {
        PASS,
        FAIL,
        INVALID
    }

    /** Decides the fate of one request, using up one pending fault. */
    Action next() {
        if (takeOne(failures)) {
            return Action.FAIL;
        }
        if (takeOne(invalidAnswers)) {
            return Action.INVALID;
        }
        return Action.PASS;
    }

    private static boolean takeOne(AtomicInteger counter) {
        while (true) {
            int current = counter.get();
            if (current <= 0) {
                return false;
            }
            if (counter.compareAndSet(current, current - 1)) {
                return true;
            }
        }
    }

    private static int requireNotNegative(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        return count;
    }
}
