package health.portal.gateway.termination;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * A termination must never be dropped: when the deny list cannot be written (Redis away), the record is retried
 * until it can, instead of being skipped after a few attempts. Records that are not events are skipped by the
 * listener itself, so retrying cannot get stuck on them.
 */
@Configuration(proxyBeanMethods = false)
class TerminationConsumerConfiguration {

    @Bean
    CommonErrorHandler retryUntilStored() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(10_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        return new DefaultErrorHandler(backOff);
    }
}
