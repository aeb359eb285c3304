package health.portal.platform.events.terms;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.platform.events.Envelopes;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.TermsPublished;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the compacted topic of the current terms from its start, for as long as the service runs, into {@link
 * CurrentTerms}. A consumer of no group: every replica reads the whole topic and commits nothing.
 *
 * <p>Nothing is handed to {@link CurrentTerms} before the reader has caught up with the end of the topic as it was
 * when reading began: an older version read first would otherwise let a patient through who has not accepted the
 * newest one. While the topic does not exist yet (identity-service has not started), the reader waits and tries again.
 */
class CurrentTermsFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CurrentTermsFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, Object> config;
    private final String topic;
    private final CurrentTerms current;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    CurrentTermsFeed(Map<String, Object> kafkaConsumerProperties, String topic, CurrentTerms current) {
        this.config = readerConfig(kafkaConsumerProperties);
        this.topic = topic;
        this.current = current;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("current-terms-feed").start(this::run);
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c =
                    new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                read(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Reading the current terms of use from {} failed, retrying: {}", topic, e.toString());
                pause();
            }
        }
    }

    private void read(KafkaConsumer<String, byte[]> c) {
        List<PartitionInfo> partitions = List.of();
        while (running && (partitions == null || partitions.isEmpty())) {
            partitions = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                pause();
            }
        }
        List<TopicPartition> assigned = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        c.assign(assigned);
        c.seekToBeginning(assigned);
        Map<TopicPartition, Long> end = c.endOffsets(assigned);
        boolean caughtUp = false;
        String newest = null;
        Instant newestAt = null;
        while (running) {
            for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                TermsPublished published = parse(record);
                if (published != null && (newestAt == null || !at(published).isBefore(newestAt))) {
                    newest = published.getVersion();
                    newestAt = at(published);
                }
            }
            if (!caughtUp) {
                caughtUp = assigned.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            }
            if (caughtUp && newest != null) {
                current.learned(newest, newestAt);
            }
        }
    }

    private static Instant at(TermsPublished published) {
        return Instant.ofEpochSecond(
                published.getPublishedAt().getSeconds(),
                published.getPublishedAt().getNanos());
    }

    private TermsPublished parse(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return Envelopes.payload(EventEnvelope.parseFrom(record.value()), TermsPublished.class)
                    .orElse(null);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            log.warn("Skipping a record of {} that is no terms version at offset {}", topic, record.offset());
            return null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static Map<String, Object> readerConfig(Map<String, Object> kafka) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        config.remove("spring.deserializer.value.delegate.class");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }
}
