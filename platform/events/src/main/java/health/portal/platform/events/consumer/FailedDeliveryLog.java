package health.portal.platform.events.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.listener.RetryListener;

/**
 * One line per failed attempt, so that a partition held up by retries for minutes shows in the log as it happens,
 * not only when the record is finally dead-lettered (Spring Kafka itself says only "Record in retry and not yet
 * recovered", without saying which). Class names only: exception messages can quote the data.
 */
public class FailedDeliveryLog implements RetryListener {

    private static final Logger log = LoggerFactory.getLogger(FailedDeliveryLog.class);

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
        log.warn(
                "Attempt {} at {} failed: {}",
                deliveryAttempt,
                RecordIds.describe(record),
                NestedExceptionUtils.getMostSpecificCause(ex).getClass().getName());
    }
}
