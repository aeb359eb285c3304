package health.portal.gateway.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The buffer between a request and Kafka for audit records and security events ({@link AuditBuffer}).
 *
 * @param bufferCapacity   records held while Kafka is slow or away; past it new records are dropped and counted
 *                         ({@code gateway.audit.dropped}), the request itself is never held up
 * @param batchSize        records handed to the producer at once
 * @param retryMaxInterval longest pause between attempts while Kafka does not take them (doubling from 200 ms)
 * @param shutdownTimeout  how long a clean shutdown waits for the buffer to reach Kafka
 */
@ConfigurationProperties("gateway.audit")
public record AuditProperties(
        Integer bufferCapacity, Integer batchSize, Duration retryMaxInterval, Duration shutdownTimeout) {

    public AuditProperties {
        bufferCapacity = bufferCapacity == null ? 100_000 : bufferCapacity;
        batchSize = batchSize == null ? 500 : batchSize;
        retryMaxInterval = retryMaxInterval == null ? Duration.ofSeconds(5) : retryMaxInterval;
        shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(10) : shutdownTimeout;
    }
}
