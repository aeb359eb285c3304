package health.portal.platform.events.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The auto-configured error handler, dead-letter topics and replay with Boot's own listener container factory against
 * the real Kafka broker. Back-off is short here (at most about 2 s per record); production waits minutes.
 */
@SpringBootTest(
        classes = DeadLetterIntegrationTest.App.class,
        properties = {
            "spring.application.name=events-test",
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "spring.kafka.consumer.key-deserializer=org.apache.kafka.common.serialization.StringDeserializer",
            "spring.kafka.consumer.value-deserializer="
                    + "org.springframework.kafka.support.serializer.ErrorHandlingDeserializer",
            "spring.kafka.consumer.properties.spring.deserializer.value.delegate.class="
                    + "health.portal.platform.events.EventEnvelopeDeserializer",
            "portal.events.consumer.initial-interval=100ms",
            "portal.events.consumer.multiplier=2",
            "portal.events.consumer.max-interval=500ms",
            "portal.events.consumer.max-elapsed-time=2s",
            "management.endpoints.web.exposure.include=deadletters"
        })
class DeadLetterIntegrationTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String FLAKY = "events-test.flaky." + RUN;
    static final String BROKEN = "events-test.broken." + RUN;
    static final String UNREADABLE = "events-test.unreadable." + RUN;
    static final String RAW = "events-test.raw." + RUN;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // before the listeners subscribe, so that they are assigned the partitions from the start
        KafkaBroker.shared().createTopics(FLAKY, BROKEN, UNREADABLE, RAW);
        registry.add(
                "spring.kafka.bootstrap-servers", () -> KafkaBroker.shared().bootstrapServers());
        registry.add("test.flaky-topic", () -> FLAKY);
        registry.add("test.broken-topic", () -> BROKEN);
        registry.add("test.unreadable-topic", () -> UNREADABLE);
        registry.add("test.raw-topic", () -> RAW);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Listeners listeners() {
            return new Listeners();
        }

        /** Failed deliveries per topic as the error handler sees them, listener invoked or not. */
        @Bean
        FailedDeliveries failedDeliveries() {
            return new FailedDeliveries();
        }
    }

    static class FailedDeliveries implements RetryListener {

        final Map<String, AtomicInteger> perTopic = new ConcurrentHashMap<>();

        @Override
        public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
            perTopic.computeIfAbsent(record.topic(), t -> new AtomicInteger()).incrementAndGet();
        }

        int of(String topic) {
            AtomicInteger n = perTopic.get(topic);
            return n == null ? 0 : n.get();
        }
    }

    /** Listeners that fail as a record's detail tells them ("fail-3": the first three attempts). */
    static class Listeners {

        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final List<String> handled = new CopyOnWriteArrayList<>();
        final AtomicInteger unreadableCalls = new AtomicInteger();
        volatile boolean brokenFixed;

        @KafkaListener(topics = "${test.flaky-topic}", groupId = "events-test.flaky")
        void flaky(EventEnvelope envelope) {
            int attempt = attempt(envelope);
            int failures = Integer.parseInt(audit(envelope).getDetail().substring("fail-".length()));
            if (attempt <= failures) {
                throw new IllegalStateException("database unavailable (attempt " + attempt + ")");
            }
            handled.add(envelope.getEventId());
        }

        @KafkaListener(topics = "${test.broken-topic}", groupId = "events-test.broken")
        void broken(EventEnvelope envelope) {
            attempt(envelope);
            if (!brokenFixed) {
                throw new IllegalStateException("bug in the handler");
            }
            handled.add(envelope.getEventId());
        }

        @KafkaListener(topics = "${test.unreadable-topic}", groupId = "events-test.unreadable")
        void unreadable(EventEnvelope envelope) {
            unreadableCalls.incrementAndGet();
        }

        // as the gateway reads: raw bytes, whatever the service's default deserializer
        @KafkaListener(
                topics = "${test.raw-topic}",
                groupId = "events-test.raw",
                properties = "value.deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer")
        void raw(ConsumerRecord<String, byte[]> record) {
            throw new IllegalStateException("cannot store " + record.offset());
        }

        private int attempt(EventEnvelope envelope) {
            return attempts.computeIfAbsent(envelope.getEventId(), id -> new AtomicInteger())
                    .incrementAndGet();
        }

        int attempts(String eventId) {
            AtomicInteger n = attempts.get(eventId);
            return n == null ? 0 : n.get();
        }
    }

    @Autowired
    Listeners listeners;

    @Autowired
    FailedDeliveries failedDeliveries;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DeadLetterReplay replay;

    @Autowired
    DeadLetterEndpoint endpoint;

    @Test
    void aRecordThatFailsAFewTimesIsHandledOnceAfterTheRetriesAndKeepsItsPlace() {
        EventEnvelope flaky = audit("p-flaky", "fail-3");
        EventEnvelope next = audit("p-flaky", "fail-0");
        send(FLAKY, flaky);
        send(FLAKY, next);

        await("both handled", () -> listeners.handled.contains(next.getEventId()));
        // the second record of the key waited for the first: order per key stays
        assertThat(listeners.handled)
                .filteredOn(id -> id.equals(flaky.getEventId()) || id.equals(next.getEventId()))
                .containsExactly(flaky.getEventId(), next.getEventId());
        assertThat(listeners.attempts(flaky.getEventId())).isEqualTo(4);
        assertThat(listeners.attempts(next.getEventId())).isEqualTo(1);
        assertThat(read(Topics.deadLetter(FLAKY), 0, Duration.ofSeconds(2))).isEmpty();
        assertThat(deadLetters(FLAKY, "events-test.flaky")).isZero();
    }

    @Test
    void aRecordThatAlwaysFailsIsDeadLetteredCountedAndReplayedOnce() {
        EventEnvelope event = audit("p-broken", "always");
        ProducerRecord<String, byte[]> original = send(BROKEN, event);

        ConsumerRecord<String, byte[]> dead =
                read(Topics.deadLetter(BROKEN), 1, Duration.ofSeconds(30)).getFirst();
        assertThat(dead.key()).isEqualTo("p-broken");
        assertThat(dead.value()).isEqualTo(event.toByteArray());
        assertThat(header(dead, DirectEventPublisher.EVENT_ID_HEADER)).isEqualTo(event.getEventId());
        assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(BROKEN);
        assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP)).isEqualTo("events-test.broken");
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN)).isEqualTo("java.lang.IllegalStateException");
        ConsumerRecord<String, byte[]> first =
                read(BROKEN, 1, Duration.ofSeconds(5)).getFirst();
        assertThat(dead.partition()).isEqualTo(first.partition());
        assertThat(original.key()).isEqualTo(first.key());
        // retried before it was given up
        assertThat(listeners.attempts(event.getEventId())).isGreaterThan(3);
        assertThat(failedDeliveries.of(BROKEN)).isEqualTo(listeners.attempts(event.getEventId()));
        assertThat(listeners.handled).doesNotContain(event.getEventId());
        await("counted", () -> deadLetters(BROKEN, "events-test.broken") == 1.0);

        listeners.brokenFixed = true;
        assertThat(endpoint.replay(BROKEN)).isEqualTo(new DeadLetterReplay.Replayed(BROKEN, BROKEN + ".dlt", 1));
        await("handled after the replay", () -> listeners.handled.contains(event.getEventId()));

        // each dead letter once: the replay group's commits remember it
        assertThat(replay.replay(BROKEN + ".dlt").replayed()).isZero();
        List<ConsumerRecord<String, byte[]>> onTopic = read(BROKEN, 2, Duration.ofSeconds(10));
        assertThat(onTopic).hasSize(2);
        ConsumerRecord<String, byte[]> replayed = onTopic.get(1);
        assertThat(replayed.key()).isEqualTo("p-broken");
        assertThat(replayed.value()).isEqualTo(event.toByteArray());
        assertThat(header(replayed, DirectEventPublisher.EVENT_ID_HEADER)).isEqualTo(event.getEventId());
        assertThat(header(replayed, DirectEventPublisher.EVENT_TYPE_HEADER)).isEqualTo("portal.events.v1.AuditEvent");
        assertThat(replayed.headers().toArray())
                .extracting(Header::key)
                .noneMatch(key -> key.startsWith(KafkaHeaders.PREFIX));
        assertThat(listeners.handled).containsOnlyOnce(event.getEventId());
        assertThat(deadLetters(BROKEN, "events-test.broken")).isEqualTo(1.0);
    }

    @Test
    void anUnreadableRecordGoesStraightToTheDeadLetterTopicAsItCame() {
        byte[] garbage = "not a protobuf envelope \u0000\u00ff".getBytes(StandardCharsets.UTF_8);
        sendRaw(UNREADABLE, "p-unreadable", garbage);

        ConsumerRecord<String, byte[]> dead =
                read(Topics.deadLetter(UNREADABLE), 1, Duration.ofSeconds(30)).getFirst();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.key()).isEqualTo("p-unreadable");
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_FQCN))
                .isEqualTo("org.springframework.kafka.support.serializer.DeserializationException");
        // the Java-serialized exception that ErrorHandlingDeserializer put in the headers is not passed on
        assertThat(dead.headers().toArray()).extracting(Header::key).noneMatch(k -> k.startsWith("springDeserializer"));
        assertThat(failedDeliveries.of(UNREADABLE))
                .as("delivered once, no retries")
                .isEqualTo(1);
        assertThat(listeners.unreadableCalls).hasValue(0);
        await("counted", () -> deadLetters(UNREADABLE, "events-test.unreadable") == 1.0);
    }

    @Test
    void aRawBytesListenerDeadLettersItsRecordsAsTheyCame() {
        byte[] bytes = audit("p-raw", "raw").toByteArray();
        sendRaw(RAW, "p-raw", bytes);

        ConsumerRecord<String, byte[]> dead =
                read(Topics.deadLetter(RAW), 1, Duration.ofSeconds(30)).getFirst();
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(failedDeliveries.of(RAW)).isGreaterThan(3);
        await("counted", () -> deadLetters(RAW, "events-test.raw") == 1.0);
    }

    @Test
    void aTopicWithoutDeadLettersReplaysNothing() {
        assertThat(replay.replay("events-test.never." + RUN).replayed()).isZero();
    }

    private double deadLetters(String topic, String group) {
        var counter = meters.find(DeadLetterRecoverer.METRIC)
                .tag("topic", topic)
                .tag("group", group)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static EventEnvelope audit(String patientId, String detail) {
        return Envelopes.wrap(
                AuditEvent.newBuilder()
                        .setPatientId(patientId)
                        .setAction("records.GetHealthSummary")
                        .setDetail(detail)
                        .build(),
                patientId,
                "records-service",
                null,
                Instant.now());
    }

    private static AuditEvent audit(EventEnvelope envelope) {
        return Envelopes.payload(envelope, AuditEvent.class).orElseThrow();
    }

    private static ProducerRecord<String, byte[]> send(String topic, EventEnvelope envelope) {
        ProducerRecord<String, byte[]> record =
                DirectEventPublisher.record(topic, envelope.getSubjectPatientId(), envelope);
        send(record);
        return record;
    }

    private static void sendRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    private static void send(ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(broker(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the topic from the beginning until {@code expected} records came or {@code wait} is over. */
    private static List<ConsumerRecord<String, byte[]>> read(String topic, int expected, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        // no consumer group: assigned and sought to the start, so reading never waits for a rebalance
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(broker(), new StringDeserializer(), new ByteArrayDeserializer())) {
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                // a dead-letter topic appears with its first dead letter
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                if (partitions.isEmpty()) {
                    pause();
                }
            }
            while ((expected == 0 || records.size() < expected) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).as("records on " + topic).hasSizeGreaterThanOrEqualTo(expected);
        return records;
    }

    private static Map<String, Object> broker() {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.shared().bootstrapServers());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " in time").isLessThan(deadline);
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
