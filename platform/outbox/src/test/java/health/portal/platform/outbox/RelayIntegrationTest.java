package health.portal.platform.outbox;

import static health.portal.platform.outbox.OutboxTesting.terminated;

import health.portal.platform.outbox.OutboxTesting.TestRelay;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Base of the tests that run relays of their own ({@code portal.outbox.relay-enabled=false} in their context), each
 * test class on a database of its own.
 */
abstract class RelayIntegrationTest {

    @Autowired
    OutboxPublisher outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    KafkaProperties kafka;

    /** A relay like that of another replica: its own transaction template and producer. */
    TestRelay relay(OutboxProperties properties) {
        return new TestRelay(jdbc, transactions, kafka, properties);
    }

    /** Publishes one AccessTerminated in a transaction of its own; returns its event id. */
    String publish(String topic, String key) {
        return tx.execute(
                s -> outbox.publish(topic, key, terminated(key, "r"), key).getEventId());
    }
}
