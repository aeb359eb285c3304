package health.portal.platform.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code portal.outbox.*}: how the relay moves outbox rows to Kafka.
 *
 * @param relayEnabled  run the relay in this process (turn off in a process that only writes)
 * @param pollInterval  pause between two relay passes when the outbox was empty
 * @param batchSize     rows taken per pass
 * @param sendTimeout   how long a pass waits for Kafka's acknowledgements before it retries later
 */
@ConfigurationProperties("portal.outbox")
public record OutboxProperties(Boolean relayEnabled, Duration pollInterval, Integer batchSize, Duration sendTimeout) {

    public OutboxProperties {
        relayEnabled = relayEnabled == null || relayEnabled;
        pollInterval = pollInterval == null ? Duration.ofMillis(250) : pollInterval;
        batchSize = batchSize == null ? 100 : batchSize;
        sendTimeout = sendTimeout == null ? Duration.ofSeconds(30) : sendTimeout;
    }
}
