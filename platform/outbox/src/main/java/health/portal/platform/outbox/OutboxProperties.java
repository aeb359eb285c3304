package health.portal.platform.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code portal.outbox.*}: how the relay moves outbox rows to Kafka.
 *
 * @param relayEnabled    run the relay in this process (turn off in a process that only writes)
 * @param pollInterval    pause between two relay passes when the last pass had less than a batch to do
 * @param batchSize       rows taken per pass, over as many keys as it takes to fill it; a pass holds an advisory lock
 *                        per key, up to this many (PostgreSQL's lock table: {@code max_locks_per_transaction})
 * @param sendTimeout     how long a pass waits for Kafka's acknowledgements; a row not acknowledged by then is retried
 * @param maxAttempts     failed attempts after which a row that Kafka refuses (a non-retriable error) is parked
 * @param retryBackoff    wait before a failed row is tried again; doubles with every further failure
 * @param maxRetryBackoff cap of that wait, and so the longest a row waits once Kafka is back after an outage
 */
@ConfigurationProperties("portal.outbox")
public record OutboxProperties(
        Boolean relayEnabled,
        Duration pollInterval,
        Integer batchSize,
        Duration sendTimeout,
        Integer maxAttempts,
        Duration retryBackoff,
        Duration maxRetryBackoff) {

    public OutboxProperties {
        relayEnabled = relayEnabled == null || relayEnabled;
        pollInterval = pollInterval == null ? Duration.ofMillis(250) : pollInterval;
        batchSize = batchSize == null ? 100 : batchSize;
        sendTimeout = sendTimeout == null ? Duration.ofSeconds(30) : sendTimeout;
        maxAttempts = maxAttempts == null ? 10 : maxAttempts;
        retryBackoff = retryBackoff == null ? Duration.ofSeconds(1) : retryBackoff;
        maxRetryBackoff = maxRetryBackoff == null ? Duration.ofMinutes(1) : maxRetryBackoff;
        if (batchSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("portal.outbox.batch-size and max-attempts must be at least 1");
        }
        if (retryBackoff.isNegative() || maxRetryBackoff.compareTo(retryBackoff) < 0) {
            throw new IllegalArgumentException("portal.outbox.max-retry-backoff must be at least retry-backoff (>= 0)");
        }
    }

    /** The wait before the next attempt of a row that has failed {@code failures} times (1 for the first failure). */
    public Duration backoffAfter(int failures) {
        // 2^30 times any sensible base is far beyond the cap; a larger shift would overflow
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        Duration wait = retryBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : wait;
    }
}
