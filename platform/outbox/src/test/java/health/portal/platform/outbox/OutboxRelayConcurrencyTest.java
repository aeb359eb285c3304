package health.portal.platform.outbox;

import static health.portal.platform.outbox.OutboxTesting.await;
import static health.portal.platform.outbox.OutboxTesting.consume;
import static health.portal.platform.outbox.OutboxTesting.newTopic;
import static health.portal.platform.outbox.OutboxTesting.terminated;
import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.outbox.OutboxTesting.TestRelay;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/** Relays of several replicas on one database: each row once, per key in order, and fast. */
@SpringBootTest(
        classes = OutboxTesting.App.class,
        properties = {
            "spring.application.name=outbox-concurrency-test",
            "spring.flyway.locations=classpath:db/migration",
            // the relays here are the test's own, one per pretended replica
            "portal.outbox.relay-enabled=false"
        })
class OutboxRelayConcurrencyTest extends RelayIntegrationTest {

    static final ThrowawayDatabase DB = PostgresServer.shared().createThrowawayDatabase("outbox_concurrency");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        OutboxTesting.infrastructure(registry, DB);
    }

    @Test
    void twoRunningRelaysDeliverEveryRowOnceAndInOrderPerKey() throws Exception {
        String topic = newTopic();
        // small batches and short polls, so that the two relays keep meeting on the same keys
        OutboxProperties properties = new OutboxProperties(true, Duration.ofMillis(20), 20, null, null, null, null);
        try (TestRelay a = relay(properties);
                TestRelay b = relay(properties)) {
            a.relay.start();
            b.relay.start();
            Map<String, List<String>> published = publishConcurrently(topic, 20, 50);

            assertDeliveredOnceInOrder(topic, published);
            awaitAllSent(topic, 1000, Duration.ofSeconds(45));
            assertThat(a.acknowledged.get() + b.acknowledged.get())
                    .as("records sent by the two relays together")
                    .isEqualTo(1000);
            assertThat(a.acknowledged).as("relay a took part").hasPositiveValue();
            assertThat(b.acknowledged).as("relay b took part").hasPositiveValue();
        }
        assertThat(jdbc.queryForObject(
                        "select count(*) from outbox_event where topic = ? and attempts <> 1", Integer.class, topic))
                .as("rows sent more than once or never")
                .isZero();
    }

    @Test
    void backlogOverManyKeysAndOneLongKeyDrainsWithoutAPollPerRow() {
        String topic = newTopic();
        Map<String, List<String>> published = new LinkedHashMap<>();
        // 300 keys with 10 events each, and one key with 500, published while no relay runs
        for (int round = 0; round < 10; round++) {
            for (int chunk = 0; chunk < 3; chunk++) {
                int first = chunk * 100;
                tx.executeWithoutResult(s -> {
                    for (int k = first; k < first + 100; k++) {
                        String key = "p-" + k;
                        published.computeIfAbsent(key, x -> new ArrayList<>()).add(publishInTransaction(topic, key));
                    }
                });
            }
        }
        for (int chunk = 0; chunk < 5; chunk++) {
            tx.executeWithoutResult(s -> {
                for (int i = 0; i < 100; i++) {
                    published
                            .computeIfAbsent("p-long", x -> new ArrayList<>())
                            .add(publishInTransaction(topic, "p-long"));
                }
            });
        }
        // one poll per row of the long key would take 1000 s
        OutboxProperties properties = new OutboxProperties(true, Duration.ofSeconds(2), null, null, null, null, null);
        long started = System.nanoTime();
        try (TestRelay a = relay(properties);
                TestRelay b = relay(properties)) {
            a.relay.start();
            b.relay.start();
            // a relay that waited for the poll after each batch would need about 35 s
            awaitAllSent(topic, 3500, Duration.ofSeconds(20));
        }
        System.out.printf("3500 outbox rows drained in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertDeliveredOnceInOrder(topic, published);
    }

    private Map<String, List<String>> publishConcurrently(String topic, int keys, int eventsPerKey) throws Exception {
        Map<String, List<String>> published = new LinkedHashMap<>();
        ExecutorService publishers = Executors.newFixedThreadPool(keys);
        try {
            List<Future<List<String>>> perKey = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                String key = "p-" + k;
                perKey.add(publishers.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < eventsPerKey; i++) {
                        ids.add(publish(topic, key));
                    }
                    return ids;
                }));
            }
            for (int k = 0; k < keys; k++) {
                published.put("p-" + k, perKey.get(k).get());
            }
        } finally {
            publishers.shutdownNow();
        }
        return published;
    }

    /** Publishes inside the caller's transaction, so that a backlog is written quickly. */
    private String publishInTransaction(String topic, String key) {
        return outbox.publish(topic, key, terminated(key, "r"), key).getEventId();
    }

    private void awaitAllSent(String topic, int rows, Duration timeout) {
        await(
                "all " + rows + " rows marked sent",
                timeout,
                () -> rows
                        == jdbc.queryForObject(
                                "select count(*) from outbox_event where topic = ? and sent_at is not null",
                                Integer.class,
                                topic));
    }

    /** Every published event on the topic exactly once, and per key in publication order. */
    private static void assertDeliveredOnceInOrder(String topic, Map<String, List<String>> published) {
        int total = published.values().stream().mapToInt(List::size).sum();
        List<ConsumerRecord<String, EventEnvelope>> records = consume(topic, total);
        assertThat(records).as("records, no duplicates").hasSize(total);
        Map<String, List<String>> received = records.stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key,
                        LinkedHashMap::new,
                        Collectors.mapping(r -> r.value().getEventId(), Collectors.toList())));
        assertThat(received).containsExactlyInAnyOrderEntriesOf(published);
    }
}
