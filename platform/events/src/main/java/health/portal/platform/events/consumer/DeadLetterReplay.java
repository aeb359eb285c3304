package health.portal.platform.events.consumer;

import health.portal.platform.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaUtils;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts dead letters back on the topic they came from, once the cause is fixed (the database is back, the bug is
 * deployed): operators call it through the {@code deadletters} actuator endpoint, or code calls {@link #replay}.
 *
 * <p>It reads {@code <topic>.dlt} as the replay consumer group, from where that group's last replay stopped up to
 * the end the topic had when the replay began, and sends each record with its key, value and the portal's own headers
 * (not the {@code kafka_*} dead-letter headers) to the original topic, where the service's listener handles it as it
 * would have the first time. The group's offset is committed after each record the original topic acknowledged, so a
 * second replay does not send it again; a record that fails once more lands on the dead-letter topic after that end,
 * and the next replay, not this one, takes it.
 *
 * <p>A crash between the acknowledgement and the commit sends that record again at the next replay, and two instances
 * replaying at the same time may both send the same records. Both are harmless: the consumers are idempotent (the
 * inbox of platform-outbox records each event id once per consumer, and the access log once per source id), so a
 * replay after a partial replay hands nothing over twice.
 */
public class DeadLetterReplay {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, Object> consumerConfig;
    private final KafkaTemplate<Object, Object> template;
    private final Duration timeout;

    /**
     * @param consumerConfig settings of the replay consumer (bootstrap servers, security, group id); the
     *     deserializers, offset reset and commits are set here
     * @param template producer to the original topics (writes byte[] as it is)
     * @param timeout longest a replay may take
     */
    public DeadLetterReplay(
            Map<String, Object> consumerConfig, KafkaTemplate<Object, Object> template, Duration timeout) {
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // asking for a topic that never had a dead letter must not create it
        this.consumerConfig.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumerConfig.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (this.consumerConfig.get(ConsumerConfig.GROUP_ID_CONFIG) == null) {
            throw new IllegalArgumentException("the replay consumer needs a group id: it remembers what was replayed");
        }
        this.template = template;
        this.timeout = timeout;
    }

    /** How many dead letters of a topic were put back. */
    public record Replayed(String topic, String deadLetterTopic, long replayed) {}

    /**
     * Replays the dead letters of {@code topic} (the original topic's name, or its dead-letter topic's) that no
     * earlier replay took.
     *
     * @throws IllegalStateException when a record could not be sent or the replay took longer than its timeout; the
     *     records sent before stay replayed and the next call goes on from there
     */
    public synchronized Replayed replay(String topic) {
        String original = Topics.original(topic);
        String deadLetterTopic = Topics.deadLetter(original);
        long deadline = System.nanoTime() + timeout.toNanos();
        long replayed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<PartitionInfo> infos = consumer.partitionsFor(deadLetterTopic, timeout);
            if (infos == null || infos.isEmpty()) {
                return new Replayed(original, deadLetterTopic, 0);
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            // assigned, not subscribed: no rebalance to wait for, and the group's commits still mark the progress
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Replay of " + deadLetterTopic + " stopped after " + timeout
                            + " with " + replayed + " dead letters replayed; call it again to go on");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                        if (record.offset() >= end.get(tp)) {
                            break; // dead-lettered after the replay began (perhaps by this replay): the next one's
                        }
                        send(original, record);
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)), timeout);
                        replayed++;
                    }
                }
            }
        } finally {
            if (replayed > 0) {
                log.info("Replayed {} dead letters of {} to {}", replayed, deadLetterTopic, original);
            }
        }
        return new Replayed(original, deadLetterTopic, replayed);
    }

    private void send(String fallbackTopic, ConsumerRecord<byte[], byte[]> deadLetter) {
        String topic = RecordIds.header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC, fallbackTopic);
        RecordHeaders headers = new RecordHeaders();
        for (Header header : deadLetter.headers()) {
            if (!header.key().startsWith(KafkaHeaders.PREFIX)
                    && !header.key().startsWith(KafkaUtils.DESERIALIZER_EXCEPTION_HEADER_PREFIX)) {
                headers.add(header);
            }
        }
        // by key, as the producers sent it: the same partition as the first time unless partitions were added
        ProducerRecord<Object, Object> record =
                new ProducerRecord<>(topic, null, deadLetter.key(), deadLetter.value(), headers);
        try {
            template.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Replay interrupted at " + RecordIds.describe(deadLetter), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not replay " + RecordIds.describe(deadLetter) + " to " + topic, e);
        }
    }
}
