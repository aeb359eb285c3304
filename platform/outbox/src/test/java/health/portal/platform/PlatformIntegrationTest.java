package health.portal.platform;

import static health.portal.platform.outbox.OutboxTesting.awaitSent;
import static health.portal.platform.outbox.OutboxTesting.consume;
import static health.portal.platform.outbox.OutboxTesting.newTopic;
import static health.portal.platform.outbox.OutboxTesting.terminated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.events.Envelopes;
import health.portal.platform.inbox.ProcessedEvents;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.outbox.OutboxRelay;
import health.portal.platform.outbox.OutboxTesting;
import health.portal.proto.events.v1.AccessTerminated;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.PatientEnrolled;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** The outbox, its relay and the inbox against a real PostgreSQL database and a real Kafka broker. */
@SpringBootTest(
        classes = OutboxTesting.App.class,
        properties = {
            "spring.application.name=platform-test",
            // the service's own (here: absent) migrations; the library adds its own location by itself
            "spring.flyway.locations=classpath:db/migration",
            "portal.outbox.poll-interval=100ms"
        })
class PlatformIntegrationTest {

    static final ThrowawayDatabase DB = PostgresServer.shared().createThrowawayDatabase("platform");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        OutboxTesting.infrastructure(registry, DB);
    }

    @Autowired
    OutboxPublisher outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    ProcessedEvents inbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void committedEventIsSentWithTheEnvelopeFields() {
        String topic = newTopic();
        Instant before = Instant.now();
        EventEnvelope published = tx.execute(s -> outbox.publish(
                topic,
                "p-1",
                PatientEnrolled.newBuilder()
                        .setPatientId("p-1")
                        .setUserId("u-1")
                        .setUsername("alex")
                        .setTermsVersion("2025-1")
                        .build(),
                "p-1"));

        ConsumerRecord<String, EventEnvelope> record = consume(topic, 1).getFirst();
        EventEnvelope received = record.value();
        assertThat(record.key()).isEqualTo("p-1");
        assertThat(received).isEqualTo(published);
        assertThat(UUID.fromString(received.getEventId())).isNotNull();
        assertThat(received.getType()).isEqualTo("portal.events.v1.PatientEnrolled");
        assertThat(received.getSubjectPatientId()).isEqualTo("p-1");
        assertThat(received.getProducer()).isEqualTo("platform-test");
        Timestamp at = received.getOccurredAt();
        assertThat(Instant.ofEpochSecond(at.getSeconds(), at.getNanos()))
                .isBetween(before.minusSeconds(1), Instant.now());
        assertThat(Envelopes.payload(received, PatientEnrolled.class))
                .get()
                .extracting(PatientEnrolled::getUsername)
                .isEqualTo("alex");
        assertThat(Envelopes.payload(received, AccessTerminated.class)).isEmpty();
        assertThat(new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8))
                .isEqualTo(received.getEventId());
        awaitSent(jdbc, received.getEventId());
    }

    @Test
    void eventOfRolledBackTransactionIsNeverSent() {
        String topic = newTopic();
        EventEnvelope rolledBack = tx.execute(s -> {
            EventEnvelope e = outbox.publish(topic, "p-2", terminated("p-2", "first"), "p-2");
            s.setRollbackOnly();
            return e;
        });
        EventEnvelope committed = tx.execute(s -> outbox.publish(topic, "p-2", terminated("p-2", "second"), "p-2"));

        // same key, so the same partition: had the first been sent, it would arrive before the second
        List<ConsumerRecord<String, EventEnvelope>> records = consume(topic, 1);
        assertThat(records).extracting(r -> r.value().getEventId()).containsExactly(committed.getEventId());
        assertThat(jdbc.queryForObject(
                        "select count(*) from outbox_event where event_id = ?::uuid",
                        Integer.class,
                        rolledBack.getEventId()))
                .isZero();
    }

    @Test
    void eventsOfOneKeyArriveInPublicationOrder() {
        String topic = newTopic();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            ids.add(tx.execute(s -> outbox.publish(topic, "p-order", terminated("p-order", "r" + n), "p-order"))
                    .getEventId());
        }
        assertThat(consume(topic, 20)).extracting(r -> r.value().getEventId()).containsExactlyElementsOf(ids);
    }

    @Test
    void restartedRelaySendsWhatWasNotSentYet() {
        String topic = newTopic();
        relay.stop();
        EventEnvelope published;
        try {
            published = tx.execute(s -> outbox.publish(topic, "p-3", terminated("p-3", "while down"), "p-3"));
            assertThat(jdbc.queryForObject(
                            "select sent_at is null from outbox_event where event_id = ?::uuid",
                            Boolean.class,
                            published.getEventId()))
                    .isTrue();
        } finally {
            relay.start();
        }
        assertThat(consume(topic, 1)).extracting(r -> r.value().getEventId()).containsExactly(published.getEventId());
        awaitSent(jdbc, published.getEventId());
    }

    @Test
    void publishingOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> outbox.publish(newTopic(), "k", terminated("p", "x"), "p"))
                .isInstanceOf(IllegalTransactionStateException.class);
    }

    @Test
    void inboxRunsTheHandlerOncePerEventAndConsumer() {
        EventEnvelope event = Envelopes.wrap(terminated("p-4", "dup"), "p-4", "test", null, Instant.now());
        AtomicInteger handled = new AtomicInteger();

        assertThat(inbox.processOnce("consumer-a", event, handled::incrementAndGet))
                .isTrue();
        assertThat(inbox.processOnce("consumer-a", event, handled::incrementAndGet))
                .isFalse();
        assertThat(handled).hasValue(1);
        // another consumer handles the same event on its own
        assertThat(inbox.processOnce("consumer-b", event, handled::incrementAndGet))
                .isTrue();
        assertThat(handled).hasValue(2);
    }

    @Test
    void failedHandlerLeavesNoMarkSoTheRedeliveryIsHandled() {
        EventEnvelope event = Envelopes.wrap(terminated("p-5", "retry"), "p-5", "test", null, Instant.now());
        assertThatThrownBy(() -> inbox.processOnce("consumer-c", event, () -> {
                    jdbc.update("insert into inbox_processed_event (event_id, consumer) values ('side-effect', 'c')");
                    throw new IllegalStateException("handler failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(inbox.isProcessed("consumer-c", event.getEventId())).isFalse();
        // the handler's own writes were rolled back with the marker
        assertThat(inbox.isProcessed("c", "side-effect")).isFalse();

        AtomicInteger handled = new AtomicInteger();
        assertThat(inbox.processOnce("consumer-c", event, handled::incrementAndGet))
                .isTrue();
        assertThat(handled).hasValue(1);
    }
}
