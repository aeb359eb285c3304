package health.portal.platform.events.consumer;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.backoff.ExponentialBackOff;

import java.time.Duration;

/**
 * How long a listener keeps trying one record before it gives up on it and dead-letters it ({@code
 * portal.events.consumer.*}).
 *
 * <p>The defaults (1 s, doubling, at most 30 s apart, about 5 minutes in all) ride out a database restart or a
 * failover; a record that still fails after that is broken rather than unlucky, and it goes to the dead-letter topic
 * instead of holding up its partition any longer. Each pause must stay well below the consumer's {@code
 * max.poll.interval.ms} (5 minutes by default): the listener thread sleeps between attempts, and a consumer that does
 * not poll in time is thrown out of its group.
 *
 * @param initialInterval pause after the first failure
 * @param multiplier how much each pause grows
 * @param maxInterval longest pause between two attempts
 * @param maxElapsedTime total of the pauses after which the record is dead-lettered
 * @param replayGroup consumer group whose committed offsets on the dead-letter topics mark what was replayed (default
 *     {@code <spring.application.name>.dlt-replay})
 * @param replayTimeout how long one replay may take before it stops (what it replayed so far stays replayed)
 */
@ConfigurationProperties("portal.events.consumer")
public record EventConsumerProperties(
        @DefaultValue("1s") Duration initialInterval,
        @DefaultValue("2.0") double multiplier,
        @DefaultValue("30s") Duration maxInterval,
        @DefaultValue("5m") Duration maxElapsedTime,
        String replayGroup,
        @DefaultValue("2m") Duration replayTimeout) {

    public EventConsumerProperties {
        if (initialInterval.isNegative() || initialInterval.isZero()) {
            throw new IllegalArgumentException("portal.events.consumer.initial-interval must be positive");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("portal.events.consumer.multiplier must be at least 1");
        }
        if (maxInterval.compareTo(initialInterval) < 0) {
            throw new IllegalArgumentException(
                    "portal.events.consumer.max-interval must not be shorter than the initial interval");
        }
    }

    /** A fresh back-off of these settings. */
    public ExponentialBackOff backOff() {
        ExponentialBackOff backOff = new ExponentialBackOff(initialInterval.toMillis(), multiplier);
        backOff.setMaxInterval(maxInterval.toMillis());
        backOff.setMaxElapsedTime(maxElapsedTime.toMillis());
        return backOff;
    }
}
