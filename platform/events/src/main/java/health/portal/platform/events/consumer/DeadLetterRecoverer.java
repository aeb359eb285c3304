package health.portal.platform.events.consumer;

import health.portal.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaUtils;

/**
 * What happens to a record once its retries are used up: it is published to {@code <topic>.dlt} (same partition when
 * the dead-letter topic has it; original key, value and headers, plus the {@code kafka_dlt-*} headers that say where
 * it came from and why it failed), counted in {@value #METRIC} (tags {@code topic}, {@code group}) for the alert, and
 * logged by its identifiers. The payload is health data and never goes to the log.
 *
 * <p>Only once the dead-letter topic has acknowledged the record does the consumer move past it. If publishing fails,
 * this throws, and the error handler delivers the record again rather than dropping it.
 */
public class DeadLetterRecoverer implements ConsumerAwareRecordRecoverer {

    /** Counter of dead-lettered records; Prometheus: {@code portal_events_dead_letters_total}. */
    public static final String METRIC = "portal.events.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

    private final DeadLetterPublishingRecoverer publisher;
    private final MeterRegistry meters;

    public DeadLetterRecoverer(KafkaOperations<Object, Object> template, MeterRegistry meters) {
        this.publisher = new DeadLetterPublishingRecoverer(
                template,
                (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
        this.meters = meters;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
        publisher.accept(record, consumer, exception);
        String group = group();
        Counter.builder(METRIC)
                .description("Records no retry could handle, published to their dead-letter topic")
                .tag("topic", record.topic())
                .tag("group", group)
                .register(meters)
                .increment();
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(exception);
        // exception messages can quote the data (SQL values, parse errors): class names only
        log.error(
                "Dead-lettered {} of consumer group {} to {}: {}",
                RecordIds.describe(record),
                group,
                Topics.deadLetter(record.topic()),
                cause.getClass().getName());
    }

    private static String group() {
        String group = KafkaUtils.getConsumerGroupId();
        return group == null ? "none" : group;
    }
}
