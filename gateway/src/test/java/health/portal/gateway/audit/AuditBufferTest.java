package health.portal.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.EventEnvelopeDeserializer;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The audit buffer against real brokers: nothing lost while Kafka is away, nothing lost at a clean shutdown. */
class AuditBufferTest {

    @Test
    void recordsSentWhileKafkaIsUnreachableArriveOnceItIsBack() throws Exception {
        int port = FreePorts.find();
        String topic = "audit-outage-" + UUID.randomUUID();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AuditBuffer buffer = new AuditBuffer(
                template("localhost:" + port),
                new AuditProperties(1_000, 10, Duration.ofMillis(500), Duration.ofSeconds(10)),
                meters);
        ChildProcess broker = null;
        try {
            buffer.start();
            List<EventEnvelope> sent = envelopes(25);
            sent.forEach(envelope ->
                    assertThat(buffer.offer(topic, "pat-1", envelope)).isTrue());

            // longer than the producer's own delivery timeout: every record has failed at least once by now
            Thread.sleep(6_000);
            assertThat(buffer.size()).as("waiting, not dropped").isEqualTo(25);
            assertThat(meters.get("gateway.audit.buffered").gauge().value()).isEqualTo(25);

            // Kafka comes (back) on the address the producer knows: Kafka's own server, as the launcher runs it
            broker = ChildProcess.start(
                    "kafka-" + port,
                    List.of(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-Xmx256m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            KafkaBroker.class.getName(),
                            Integer.toString(port)),
                    Map.of(),
                    Path.of("."),
                    InfrastructureSettings.testLogDirectory().resolve("kafka-outage-" + port + ".log"));
            broker.awaitReady(Duration.ofMinutes(2), () -> FreePorts.isListening("127.0.0.1", port));

            assertThat(eventIds("localhost:" + port, topic, 25, Duration.ofSeconds(90)))
                    .isEqualTo(ids(sent));
            assertThat(dropped(meters, "overflow") + dropped(meters, "shutdown"))
                    .isZero();
        } finally {
            buffer.close();
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void aCleanShutdownDeliversWhatIsBuffered() {
        KafkaBroker kafka = KafkaBroker.shared();
        String topic = "audit-shutdown-" + UUID.randomUUID();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AuditBuffer buffer = new AuditBuffer(
                template(kafka.bootstrapServers()),
                new AuditProperties(10_000, 50, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                meters);
        buffer.start();
        List<EventEnvelope> sent = envelopes(2_000);
        sent.forEach(envelope -> buffer.offer(topic, "pat-2", envelope));
        buffer.close();

        assertThat(buffer.size()).isZero();
        assertThat(dropped(meters, "shutdown")).isZero();
        assertThat(eventIds(kafka.bootstrapServers(), topic, sent.size(), Duration.ofSeconds(60)))
                .isEqualTo(ids(sent));
    }

    @Test
    void aFullBufferDropsNewRecordsAndCountsThem() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AuditBuffer buffer = new AuditBuffer(
                template("localhost:" + FreePorts.find()),
                new AuditProperties(5, 10, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                meters);
        List<Boolean> taken = envelopes(8).stream()
                .map(envelope -> buffer.offer("audit-overflow", "pat-3", envelope))
                .toList();

        assertThat(taken).containsExactly(true, true, true, true, true, false, false, false);
        assertThat(dropped(meters, "overflow")).isEqualTo(3);
        assertThat(meters.get("gateway.audit.buffered").gauge().value()).isEqualTo(5);
        buffer.close();
    }

    private static KafkaTemplate<String, byte[]> template(String bootstrapServers) {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                1_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                1_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                2_000,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                500,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class)));
    }

    private static List<EventEnvelope> envelopes(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> Envelopes.wrap(
                        AuditEvent.newBuilder()
                                .setActorId("user-" + i)
                                .setResource("/api/me")
                                .build(),
                        "pat",
                        "gateway",
                        null,
                        Instant.now()))
                .toList();
    }

    private static Set<String> ids(List<EventEnvelope> envelopes) {
        return envelopes.stream().map(EventEnvelope::getEventId).collect(Collectors.toSet());
    }

    private static Set<String> eventIds(String bootstrapServers, String topic, int expected, Duration timeout) {
        Set<String> seen = new HashSet<>();
        Instant end = Instant.now().plus(timeout);
        try (KafkaConsumer<String, EventEnvelope> consumer =
                KafkaBroker.readerFromTheStart(bootstrapServers, new EventEnvelopeDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen.size() < expected && Instant.now().isBefore(end)) {
                for (ConsumerRecord<String, EventEnvelope> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(record.value().getEventId());
                }
            }
        }
        return seen;
    }

    private static double dropped(SimpleMeterRegistry meters, String reason) {
        return meters.get("gateway.audit.dropped")
                .tag("reason", reason)
                .counter()
                .count();
    }
}
