package health.portal.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.platform.outbox.autoconfigure.OutboxAutoConfiguration;
import health.portal.proto.events.v1.AccessTerminated;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** What the outbox tests share: the infrastructure, topics, payloads, reading a topic, waiting, relays of their own. */
public final class OutboxTesting {

    private OutboxTesting() {}

    /** The context of the outbox tests: auto-configuration only, as in a service. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class App {}

    public static void infrastructure(DynamicPropertyRegistry registry, ThrowawayDatabase db) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add(
                "spring.kafka.bootstrap-servers", () -> KafkaBroker.shared().bootstrapServers());
    }

    public static AccessTerminated terminated(String patientId, String reason) {
        return AccessTerminated.newBuilder()
                .setPatientId(patientId)
                .setUserId("u")
                .setReason(reason)
                .setTerminatedBy("staff")
                .build();
    }

    public static String newTopic() {
        String topic = "platform-test-" + UUID.randomUUID();
        KafkaBroker.shared().createTopics(topic);
        return topic;
    }

    /** Polls until the condition holds; fails after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + timeout).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public static void awaitSent(JdbcTemplate jdbc, String eventId) {
        await(
                "event " + eventId + " marked sent",
                Duration.ofSeconds(60),
                () -> Boolean.TRUE.equals(jdbc.queryForObject(
                        "select sent_at is not null from outbox_event where event_id = ?::uuid",
                        Boolean.class,
                        eventId)));
    }

    /** Reads the topic from the beginning until {@code expected} records came, then a little longer for extras. */
    public static List<ConsumerRecord<String, EventEnvelope>> consume(String topic, int expected) {
        List<ConsumerRecord<String, EventEnvelope>> records = new ArrayList<>();
        try (KafkaConsumer<String, EventEnvelope> consumer =
                KafkaBroker.shared().readerFromTheStart(new EventEnvelopeDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // anything that should not be there (a duplicate, a rolled-back event) would come with the expected ones
            consumer.poll(Duration.ofSeconds(2)).forEach(records::add);
        }
        assertThat(records).as("records on " + topic).hasSizeGreaterThanOrEqualTo(expected);
        return records;
    }

    /**
     * A relay as the auto-configuration builds it, with a transaction template and a producer of its own (as in
     * another replica), counting the records Kafka acknowledged to it.
     */
    public static final class TestRelay implements AutoCloseable {

        public final OutboxRelay relay;
        public final AtomicInteger acknowledged = new AtomicInteger();
        private final DefaultKafkaProducerFactory<String, byte[]> producers;

        public TestRelay(
                JdbcTemplate jdbc,
                PlatformTransactionManager transactions,
                KafkaProperties kafka,
                OutboxProperties properties) {
            producers =
                    new DefaultKafkaProducerFactory<>(OutboxAutoConfiguration.relayProducerConfig(kafka, properties));
            KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(producers);
            template.setProducerListener(new ProducerListener<>() {
                @Override
                public void onSuccess(ProducerRecord<String, byte[]> record, RecordMetadata metadata) {
                    acknowledged.incrementAndGet();
                }
            });
            relay = new OutboxRelay(jdbc, new TransactionTemplate(transactions), template, properties);
        }

        @Override
        public void close() {
            relay.stop();
            producers.destroy();
        }
    }
}
