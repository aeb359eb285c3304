package health.portal.infra.kafka;

import java.util.concurrent.CountDownLatch;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Apache Kafka broker in KRaft mode, built from the Kafka jars on Maven Central. In tests it runs inside the
 * test JVM; the launcher runs {@link #main} as a process of its own.
 */
public final class KafkaBroker implements AutoCloseable {

    private static volatile KafkaBroker shared;

    private final EmbeddedKafkaKraftBroker broker;

    private KafkaBroker(int port) {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        if (port > 0) {
            broker.kafkaPorts(port);
        }
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
                    KafkaBroker created = new KafkaBroker(0);
                    Runtime.getRuntime().addShutdownHook(new Thread(created::close, "kafka-stop"));
                    shared = created;
                }
            }
        }
        return shared;
    }

    public static KafkaBroker start(int port) {
        return new KafkaBroker(port);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public void createTopics(String... topics) {
        broker.addTopics(topics);
    }

    @Override
    public void close() {
        broker.destroy();
    }

    /** Runs a broker as its own process: {@code KafkaBroker [port]} (default 9092) until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        KafkaBroker broker = start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("Kafka broker (KRaft) ready at " + broker.bootstrapServers());
        stopped.await();
    }
}
