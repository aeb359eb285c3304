package health.portal.platform.outbox;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends committed outbox rows to Kafka and marks them sent (at-least-once: a crash between the send and the mark
 * sends the row again, consumers deduplicate on the event id).
 * <p>
 * Each pass runs in one database transaction: it takes a transaction-level advisory lock so that only one relay
 * (across all instances of a service) works at a time, which keeps the per-key order of the outbox; it takes the
 * oldest unsent rows with {@code FOR UPDATE SKIP LOCKED}, sends them in order, waits for Kafka's acknowledgements
 * and marks the acknowledged prefix as sent. A failed send stops the pass so later rows do not overtake it.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Arbitrary constant: the advisory lock id that serializes relays sharing one database. */
    static final long RELAY_LOCK_ID = 0x706f7274616c6f62L; // "portalob"

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, byte[]> kafka;
    private final OutboxProperties properties;
    private volatile ScheduledExecutorService executor;

    public OutboxRelay(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            KafkaTemplate<String, byte[]> kafka,
            OutboxProperties properties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.properties = properties;
    }

    /** One pass; returns the number of events sent. Public so that tests and tools can drive the relay. */
    public int relayOnce() {
        Integer sent = tx.execute(status -> {
            Boolean locked = jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, RELAY_LOCK_ID);
            if (!Boolean.TRUE.equals(locked)) {
                return 0;
            }
            List<Row> rows = jdbc.query(
                    """
                            select id, event_id, topic, record_key, event_type, envelope from outbox_event
                            where sent_at is null order by id limit ? for update skip locked""",
                    (rs, i) -> new Row(
                            rs.getLong("id"),
                            rs.getString("event_id"),
                            rs.getString("topic"),
                            rs.getString("record_key"),
                            rs.getString("event_type"),
                            rs.getBytes("envelope")),
                    properties.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<SendResult<String, byte[]>>> futures = new ArrayList<>(rows.size());
            for (Row row : rows) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.topic(), row.key(), row.envelope());
                record.headers().add("event_id", row.eventId().getBytes(StandardCharsets.UTF_8));
                record.headers().add("event_type", row.eventType().getBytes(StandardCharsets.UTF_8));
                futures.add(kafka.send(record));
            }
            kafka.flush();
            List<Long> acknowledged = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                try {
                    futures.get(i).get(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    acknowledged.add(row.id());
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    String error = String.valueOf(e.getCause() != null ? e.getCause() : e);
                    log.warn("Outbox event {} not sent yet, will retry: {}", row.eventId(), error);
                    jdbc.update(
                            "update outbox_event set attempts = attempts + 1, last_error = ? where id = ?",
                            error.length() > 1000 ? error.substring(0, 1000) : error,
                            row.id());
                    break;
                }
            }
            for (Long id : acknowledged) {
                jdbc.update("update outbox_event set sent_at = now(), attempts = attempts + 1 where id = ?", id);
            }
            return acknowledged.size();
        });
        return sent == null ? 0 : sent;
    }

    private void loop() {
        try {
            // keep going while full batches come back, then wait for the next poll
            while (isRunning() && relayOnce() >= properties.batchSize()) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            log.warn("Outbox relay pass failed, will retry: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-relay");
            t.setDaemon(true);
            return t;
        });
        long every = properties.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::loop, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdown();
            try {
                if (!running.awaitTermination(properties.sendTimeout().toSeconds() + 5, TimeUnit.SECONDS)) {
                    running.shutdownNow();
                }
            } catch (InterruptedException e) {
                running.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        // stop before the data source and the Kafka producer go away
        return SmartLifecycle.DEFAULT_PHASE - 1000;
    }

    private record Row(long id, String eventId, String topic, String key, String eventType, byte[] envelope) {}
}
