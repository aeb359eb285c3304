package health.portal.platform.outbox;

import static health.portal.platform.outbox.OutboxTesting.await;
import static health.portal.platform.outbox.OutboxTesting.consume;
import static health.portal.platform.outbox.OutboxTesting.newTopic;
import static health.portal.platform.outbox.OutboxTesting.terminated;
import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.outbox.OutboxTesting.TestRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A row Kafka refuses every time: retried with a growing back-off while other keys go on, parked after {@code
 * max-attempts}, after which the later rows of its key go on too; counted by the gauge; requeued by the admin.
 */
@SpringBootTest(
        classes = {OutboxTesting.App.class, OutboxParkingTest.Meters.class},
        properties = {
            "spring.application.name=outbox-parking-test",
            "spring.flyway.locations=classpath:db/migration",
            // the test drives its own relay pass by pass
            "portal.outbox.relay-enabled=false",
            "portal.outbox.max-attempts=3",
            "portal.outbox.retry-backoff=2s",
            "portal.outbox.max-retry-backoff=4s"
        })
class OutboxParkingTest extends RelayIntegrationTest {

    /** A registry as a service with actuator has; the outbox gauges must register with it. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    static final ThrowawayDatabase DB = PostgresServer.shared().createThrowawayDatabase("outbox_parking");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        OutboxTesting.infrastructure(registry, DB);
    }

    /** Two ways for Kafka to refuse a record for good, both on the spot in the producer. */
    enum Poison {
        // beyond the producer's max.request.size (1 MiB)
        TOO_LARGE("RecordTooLargeException"),
        // the same key's later rows go to a valid topic: the order is per key, across topics
        INVALID_TOPIC("InvalidTopicException");

        final String error;

        Poison(String error) {
            this.error = error;
        }

        String publish(OutboxPublisher outbox, String topic, String key) {
            return this == TOO_LARGE
                    ? outbox.publish(topic, key, terminated(key, "x".repeat(1_100_000)), key)
                            .getEventId()
                    : outbox.publish("not a valid topic!", key, terminated(key, "poison"), key)
                            .getEventId();
        }
    }

    @Autowired
    OutboxAdmin admin;

    @Autowired
    OutboxProperties properties;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void emptyOutbox() {
        // each case counts parked rows of the whole database
        jdbc.update("delete from outbox_event");
    }

    @ParameterizedTest
    @EnumSource(Poison.class)
    void poisonRowIsRetriedWithBackoffThenParkedAndRequeued(Poison poison) {
        String topic = newTopic();
        String a1 = publish(topic, "a");
        String bad = tx.execute(s -> poison.publish(outbox, topic, "p"));
        String p2 = publish(topic, "p");
        String b1 = publish(topic, "b");
        try (TestRelay test = relay(properties)) {
            OutboxRelay relay = test.relay;

            Instant before = databaseNow();
            assertThat(relay.relayOnce())
                    .as("sent in the first pass: a1 and b1")
                    .isEqualTo(2);
            assertBackoff(bad, before, databaseNow(), Duration.ofSeconds(2));
            assertThat(row(bad)).containsEntry("attempts", 1).containsEntry("parked", false);
            assertThat((String) row(bad).get("last_error")).contains(poison.error);
            assertThat(row(p2)).as("behind the failed row of its key").containsEntry("sent", false);
            assertThat(gauge("portal.outbox.parked")).isZero();
            assertThat(gauge("portal.outbox.oldest.unsent.age")).isPositive();

            assertThat(relay.relayOnce()).isZero();
            assertThat(row(bad))
                    .as("not tried again before its back-off is over")
                    .containsEntry("attempts", 1);

            String c1 = publish(topic, "c");
            makeDue(bad);
            before = databaseNow();
            assertThat(relay.relayOnce()).as("sent in the second pass: c1").isEqualTo(1);
            assertBackoff(bad, before, databaseNow(), Duration.ofSeconds(4));
            assertThat(row(bad)).containsEntry("attempts", 2).containsEntry("parked", false);
            assertThat(row(p2)).containsEntry("sent", false);

            makeDue(bad);
            relay.relayOnce();
            assertThat(row(bad)).containsEntry("attempts", 3).containsEntry("parked", true);
            assertThat((String) row(bad).get("last_error")).contains(poison.error);
            assertThat(gauge("portal.outbox.parked")).isEqualTo(1.0);

            assertThat(relay.relayOnce())
                    .as("the key goes on without the parked row")
                    .isEqualTo(1);
            assertThat(row(p2)).containsEntry("sent", true);
            assertThat(gauge("portal.outbox.oldest.unsent.age")).isZero();
            assertThat(consume(topic, 4))
                    .extracting(r -> r.value().getEventId())
                    .containsExactlyInAnyOrder(a1, b1, c1, p2);

            assertThat(admin.requeueParked()).isEqualTo(1);
            assertThat(gauge("portal.outbox.parked")).isZero();
            assertThat(row(bad)).containsEntry("attempts", 0).containsEntry("parked", false);
            assertThat(row(bad).get("last_error")).as("kept until sent").isNotNull();
            relay.relayOnce();
            assertThat(row(bad)).as("in the queue again").containsEntry("attempts", 1);
        }
    }

    @Test
    void runningRelayParksThePoisonWhileOtherKeysGoOn() {
        String topic = newTopic();
        String bad = tx.execute(s -> Poison.TOO_LARGE.publish(outbox, topic, "p"));
        String p2 = publish(topic, "p");
        String other = publish(topic, "o");
        OutboxProperties fast = new OutboxProperties(
                true, Duration.ofMillis(50), null, null, 3, Duration.ofMillis(100), Duration.ofMillis(200));
        try (TestRelay test = relay(fast)) {
            test.relay.start();
            await("poison parked", Duration.ofSeconds(20), () -> (boolean) row(bad).get("parked"));
            await("event behind the poison sent", Duration.ofSeconds(20), () -> (boolean) row(p2).get("sent"));
        }
        assertThat(row(other)).containsEntry("sent", true);
        assertThat(row(bad)).containsEntry("attempts", 3);
        assertThat(gauge("portal.outbox.parked")).isEqualTo(1.0);
        assertThat(consume(topic, 2)).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("p", "o");

        assertThat(admin.requeueParked(bad)).isTrue();
        assertThat(admin.requeueParked(bad)).as("no longer parked").isFalse();
        assertThat(admin.parkedCount()).isZero();
    }

    private Map<String, Object> row(String eventId) {
        return jdbc.queryForMap("""
                        select attempts, parked_at is not null as parked, sent_at is not null as sent, last_error,
                            next_attempt_at from outbox_event where event_id = ?::uuid""", eventId);
    }

    /** The pass ran between {@code before} and {@code after}, and set the next attempt {@code backoff} later. */
    private void assertBackoff(String eventId, Instant before, Instant after, Duration backoff) {
        Instant next = ((Timestamp) row(eventId).get("next_attempt_at")).toInstant();
        assertThat(next).isBetween(before.plus(backoff), after.plus(backoff));
    }

    /** Skips the rest of the back-off instead of waiting for it. */
    private void makeDue(String eventId) {
        jdbc.update("update outbox_event set next_attempt_at = now() where event_id = ?::uuid", eventId);
    }

    private Instant databaseNow() {
        return jdbc.queryForObject("select now()", Timestamp.class).toInstant();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }
}
