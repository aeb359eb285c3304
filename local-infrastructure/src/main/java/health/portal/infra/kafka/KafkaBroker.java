package health.portal.infra.kafka;

import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * A real Apache Kafka broker in KRaft mode, from the Kafka jars on Maven Central. In tests it runs inside the test JVM
 * (Spring Kafka's KRaft test kit); the launcher runs {@link #main}, Kafka's own server, as a process of its own.
 */
public final class KafkaBroker implements AutoCloseable {

    private static volatile KafkaBroker shared;

    private final EmbeddedKafkaKraftBroker broker;

    private KafkaBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "true");
        broker.brokerProperty("num.partitions", "3");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
    }

    /** One broker for this JVM on a free port, stopped at exit. */
    public static KafkaBroker shared() {
        if (shared == null) {
            synchronized (KafkaBroker.class) {
                if (shared == null) {
                    KafkaBroker created = new KafkaBroker();
                    Runtime.getRuntime().addShutdownHook(new Thread(created::close, "kafka-stop"));
                    shared = created;
                }
            }
        }
        return shared;
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public void createTopics(String... topics) {
        broker.addTopics(topics);
    }

    /** A producer of raw record bytes with string keys, waiting for all replicas, as the services' producers do. */
    public KafkaProducer<String, byte[]> writer() {
        return writer(bootstrapServers());
    }

    public static KafkaProducer<String, byte[]> writer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /** A consumer of this broker that reads as a test does: a group of its own, from the beginning of a topic. */
    public <V> KafkaConsumer<String, V> readerFromTheStart(Deserializer<V> values) {
        return readerFromTheStart(bootstrapServers(), values);
    }

    public static <V> KafkaConsumer<String, V> readerFromTheStart(String bootstrapServers, Deserializer<V> values) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                values);
    }

    @Override
    public void close() {
        broker.destroy();
    }

    /**
     * Runs a broker as its own process for the launcher: {@code KafkaBroker [port]} (default 9092). This is Kafka's own
     * server entry point in KRaft combined mode (broker and controller) on a fresh log directory.
     */
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        Path logDirectory = InfrastructureSettings.cacheDirectory().resolve("kafka-" + port);
        deleteRecursively(logDirectory);
        Files.createDirectories(logDirectory);
        int controllerPort = FreePorts.find();
        Properties config = new Properties();
        config.setProperty("process.roles", "broker,controller");
        config.setProperty("node.id", "1");
        config.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        config.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.setProperty("log.dirs", logDirectory.resolve("data").toString());
        config.setProperty("num.partitions", "3");
        config.setProperty("auto.create.topics.enable", "true");
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("share.coordinator.state.topic.replication.factor", "1");
        config.setProperty("share.coordinator.state.topic.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        Path file = logDirectory.resolve("server.properties");
        try (var out = Files.newOutputStream(file)) {
            config.store(out, "written by KafkaBroker for a local run");
        }
        int formatted = kafka.tools.StorageTool$.MODULE$.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()}, System.out);
        if (formatted != 0) {
            throw new IllegalStateException("could not format Kafka's log directory " + logDirectory);
        }
        kafka.Kafka.main(new String[] {file.toString()});
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path :
                        paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
