package health.portal.identity.accesslog;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.platform.events.Envelopes;
import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.proto.events.v1.AccessLogHead;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access log's head as last published on its compacted topic: one key, so the newest record of the key's
 * partition is the latest head. Read with a consumer of no group, which commits nothing.
 */
@Component
class PublishedHead {

    /** The one record key: compaction keeps the latest head and drops the older ones. */
    static final String KEY = "identity-service.access-log";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Records read back from the end: the newest offset may hold no head (a record of another key, a marker). */
    private static final int LOOK_BACK = 100;

    private final KafkaProperties kafka;
    private final String topic;

    PublishedHead(KafkaProperties kafka, AccessLogProperties properties) {
        this.kafka = kafka;
        this.topic = properties.headTopic();
    }

    record Head(long seq, String mac) {}

    String topic() {
        return topic;
    }

    /**
     * The latest published head; empty when none was published yet.
     *
     * @throws DependencyUnavailableException when Kafka does not answer: not knowing the published head is no
     *     verdict on the chain either way
     */
    Optional<Head> latest() {
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config(), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                return Optional.empty();
            }
            // the producer's default partitioner puts the one key here, however many partitions the topic has
            int partition = Utils.toPositive(Utils.murmur2(KEY.getBytes(StandardCharsets.UTF_8))) % partitions.size();
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
            long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
            return newestBetween(consumer, tp, Math.max(begin, end - LOOK_BACK), end);
        } catch (KafkaException | IllegalStateException e) {
            throw new DependencyUnavailableException("Kafka (the access log's published head)", e);
        }
    }

    private static Optional<Head> newestBetween(
            KafkaConsumer<String, byte[]> consumer, TopicPartition tp, long from, long end) {
        consumer.seek(tp, from);
        Head newest = null;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumer.position(tp, TIMEOUT) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the published head was not read within " + TIMEOUT);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (KEY.equals(record.key()) && record.value() != null) {
                    newest = parse(record.value()).orElse(newest);
                }
            }
        }
        return Optional.ofNullable(newest);
    }

    private static Optional<Head> parse(byte[] value) {
        try {
            return Envelopes.payload(EventEnvelope.parseFrom(value), AccessLogHead.class)
                    .map(head -> new Head(head.getSeq(), head.getMac()));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            // only identity-service writes this topic; something unreadable there is no head of ours
            return Optional.empty();
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        config.remove("spring.deserializer.value.delegate.class");
        config.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return config;
    }
}
