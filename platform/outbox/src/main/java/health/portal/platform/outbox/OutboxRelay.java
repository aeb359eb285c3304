package health.portal.platform.outbox;

import health.portal.platform.events.DirectEventPublisher;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends committed outbox rows to Kafka and marks them sent, in order per record key, with any number of relays (the
 * replicas of a service) working on one database at the same time.
 *
 * <p><b>Order.</b> The unit of order is the record key (the aggregate, a patient id) across all topics; rows without a
 * key form one group. Within a key, rows go in id order and a row is sent only once every earlier row of its key is
 * sent or parked. Rows of different keys never wait for each other's failures. (Id order is insert order: two
 * transactions that write events of one key at the same time, without serializing on the aggregate, can commit in
 * the other order, and the relay sends what has committed.)
 *
 * <p><b>A pass</b> runs in one READ COMMITTED transaction:
 *
 * <ol>
 *   <li>it lists the keys whose oldest pending row is due (its back-off is over), oldest first;
 *   <li>it takes a transaction-level advisory lock per key ({@code pg_try_advisory_xact_lock}), skipping keys that
 *       another relay holds, until the pending rows of its keys fill a batch. A key is thus worked on by one relay at a
 *       time. Row locks with {@code SKIP LOCKED} alone would not do: a relay skipping a row that another relay is
 *       sending would take the row behind it, of the same key, and overtake it;
 *   <li>only then, in a statement of its own and so with a fresh snapshot, it reads the pending rows of its keys: it
 *       sees whatever the previous holder of a key committed, as that holder's locks go only when its commit is
 *       visible;
 *   <li>it sends them without waiting in between (hundreds of rows of one key take one round trip, not one per row),
 *       waits for the acknowledgements (at most {@code send-timeout}), marks the acknowledged rows sent and records
 *       the first failure of each key. The locks go with the commit.
 * </ol>
 *
 * A relay starts the next pass at once after a full batch, otherwise after {@code poll-interval}. Every pass also
 * takes one advisory lock in shared mode that the relay of the previous version took exclusively, so that during a
 * rolling update relays of the two versions never work at the same time.
 *
 * <p><b>Delivery</b> is exactly once per row between relays (a row is sent by the one relay holding its key), and
 * at-least-once over crashes: a relay that dies, or loses its database connection, between the send and the commit
 * of its mark leaves the row pending, and it is sent again; so is a row whose acknowledgement did not come within
 * {@code send-timeout} but that reached Kafka later. Consumers deduplicate on the event id (the inbox).
 *
 * <p><b>Failures.</b> The relay never sends behind a row of its key that it knows failed: a send that Kafka refuses on
 * the spot (too large, invalid topic) ends that key's part of the pass, and a row that failed before is sent alone.
 * Only when the broker rejects a record while later records of its key are already in flight can those get through
 * first (the producer may go on with later batches after one failed for good); that is logged. A failed row is tried again after
 * {@link OutboxProperties#backoffAfter a back-off} that doubles with its attempts, up to {@code max-retry-backoff}.
 *
 * <p><b>Parking.</b> A row that Kafka keeps refusing with a non-retriable error (record too large, invalid topic, not
 * authorized) is parked on the attempt that reaches {@code max-attempts}: it keeps its {@code last_error}, gets {@code
 * parked_at}, is no longer tried and no longer holds up its key, so the later rows of the key go on without it. Waiting
 * for a row that will never go would stop every later event of the patient for good, AccessTerminated included; parking
 * gives up the order of that one event instead, loudly: the {@code portal.outbox.parked} gauge ({@link OutboxMetrics})
 * and its alert, and {@link OutboxAdmin#requeueParked()} to put the row back once the cause is fixed. Retriable errors
 * (timeouts, no leader, broker away) never park a row, however often they come: during an outage they hit every key,
 * and parking them all would reorder every key afterwards. Such rows back off and wait, and the age of the oldest
 * pending row ({@code portal.outbox.oldest.unsent.age}) shows it.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Arbitrary constant: the lock id by which the previous version's relay serialized all relays of a database. */
    static final long RELAY_LOCK_ID = 0x706f7274616c6f62L; // "portalob"
    /** Arbitrary constant: the class of the per-key locks (two-int form, never equal to a one-bigint lock). */
    static final int KEY_LOCK_CLASS = 0x6f626b79; // "obky"

    /** Several candidates per batch row, so that a relay still finds free keys behind those others hold. */
    private static final int CANDIDATES_PER_BATCH_ROW = 4;

    // the head's due time by its primary key, per key: a join may merge over the whole table, sent rows and all
    private static final String DUE_KEYS = """
            select h.group_key, h.pending
            from (select coalesce(record_key, '') as group_key, min(id) as head, count(*) as pending
                  from outbox_event where sent_at is null and parked_at is null
                  group by coalesce(record_key, '')) h
            where (select o.next_attempt_at from outbox_event o where o.id = h.head) <= now()
            order by h.head
            limit ?""";
    private static final String LOCK_KEYS =
            "select k from unnest(?::varchar[]) as k where pg_try_advisory_xact_lock(?, hashtext(k))";
    private static final String PENDING_ROWS = """
            select id, event_id, topic, record_key, group_key, event_type, envelope, attempts, due
            from (select o.*, coalesce(record_key, '') as group_key, next_attempt_at <= now() as due,
                         row_number() over (partition by coalesce(record_key, '') order by id) as n
                  from outbox_event o
                  where coalesce(record_key, '') = any(?::varchar[]) and sent_at is null and parked_at is null) r
            where n <= ?
            order by id
            limit ?""";

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
        // the read after the key locks must see what the locks' previous holders committed: a snapshot per statement
        this.tx = new TransactionTemplate(Objects.requireNonNull(tx.getTransactionManager()), tx);
        this.tx.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.kafka = kafka;
        this.properties = properties;
    }

    /** One pass; returns the number of events sent. Public so that tests and tools can drive the relay. */
    public int relayOnce() {
        return pass().sent();
    }

    private Pass pass() {
        Pass pass = tx.execute(status -> {
            Boolean mayRun =
                    jdbc.queryForObject("select pg_try_advisory_xact_lock_shared(?)", Boolean.class, RELAY_LOCK_ID);
            if (!Boolean.TRUE.equals(mayRun)) {
                return Pass.NOTHING;
            }
            List<Row> rows = lockKeysAndReadRows();
            return rows.isEmpty() ? Pass.NOTHING : sendAndRecord(rows);
        });
        return pass == null ? Pass.NOTHING : pass;
    }

    private List<Row> lockKeysAndReadRows() {
        int batch = properties.batchSize();
        List<DueKey> due = jdbc.query(
                DUE_KEYS, (rs, i) -> new DueKey(rs.getString(1), rs.getLong(2)), batch * CANDIDATES_PER_BATCH_ROW);
        List<String> locked = new ArrayList<>();
        long filled = 0;
        int next = 0;
        while (filled < batch && next < due.size()) {
            // lock as few keys as fill the batch: the keys a relay holds and does not get to are idle for the others
            List<DueKey> chunk = new ArrayList<>();
            long chunkRows = 0;
            while (next < due.size() && filled + chunkRows < batch) {
                DueKey key = due.get(next++);
                chunk.add(key);
                chunkRows += Math.min(key.pending(), batch);
            }
            Set<String> got = new HashSet<>(jdbc.queryForList(
                    LOCK_KEYS, String.class, chunk.stream().map(DueKey::key).toArray(String[]::new), KEY_LOCK_CLASS));
            for (DueKey key : chunk) {
                if (got.contains(key.key())) {
                    locked.add(key.key());
                    filled += Math.min(key.pending(), batch);
                }
            }
        }
        if (locked.isEmpty()) {
            return List.of();
        }
        return jdbc.query(
                PENDING_ROWS,
                (rs, i) -> new Row(
                        rs.getLong("id"),
                        rs.getString("event_id"),
                        rs.getString("topic"),
                        rs.getString("record_key"),
                        rs.getString("group_key"),
                        rs.getString("event_type"),
                        rs.getBytes("envelope"),
                        rs.getInt("attempts"),
                        rs.getBoolean("due")),
                locked.toArray(String[]::new),
                batch,
                batch);
    }

    private Pass sendAndRecord(List<Row> rows) {
        List<InFlight> inFlight = send(rows);
        kafka.flush();
        long deadline = System.nanoTime() + properties.sendTimeout().toNanos();
        List<Long> sent = new ArrayList<>();
        List<Object[]> failures = new ArrayList<>();
        Set<String> failedKeys = new HashSet<>();
        boolean interrupted = false;
        for (InFlight send : inFlight) {
            Throwable error;
            if (interrupted) {
                // stopping: keep what is known to be acknowledged, leave the rest for the next relay untouched
                if (!send.ack().isDone() || send.ack().isCompletedExceptionally()) {
                    continue;
                }
                error = null;
            } else {
                try {
                    error = await(send.ack(), deadline);
                } catch (InterruptedException e) {
                    interrupted = true;
                    continue;
                }
            }
            Row row = send.row();
            if (error == null) {
                sent.add(row.id());
                if (failedKeys.contains(row.groupKey())) {
                    log.warn(
                            "Outbox event {} reached Kafka before an earlier event of its key that failed",
                            row.eventId());
                }
            } else if (failedKeys.add(row.groupKey())) {
                // later failures of the key most likely follow from this one; they do not count against their rows
                failures.add(failure(row, error));
            }
        }
        if (!sent.isEmpty()) {
            jdbc.update("update outbox_event set sent_at = now(), attempts = attempts + 1 where id = any(?)", (Object)
                    sent.toArray(Long[]::new));
        }
        if (!failures.isEmpty()) {
            jdbc.batchUpdate("""
                            update outbox_event set attempts = attempts + 1, last_error = ?,
                                next_attempt_at = now() + ? * interval '1 millisecond',
                                parked_at = case when ? then now() end
                            where id = ?""", failures);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new Pass(sent.size(), inFlight.size());
    }

    /** Sends the rows in id order, each key's rows up to the first that must go alone or failed on the spot. */
    private List<InFlight> send(List<Row> rows) {
        Map<String, Boolean> keyOpen = new HashMap<>();
        List<InFlight> inFlight = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Boolean open = keyOpen.get(row.groupKey());
            boolean first = open == null;
            // a row that failed before goes alone: what is sent behind it would overtake it if it fails again
            if (Boolean.FALSE.equals(open) || !row.due() || (!first && row.attempts() > 0)) {
                keyOpen.put(row.groupKey(), false);
                continue;
            }
            CompletableFuture<?> ack = send(row);
            inFlight.add(new InFlight(row, ack));
            keyOpen.put(row.groupKey(), row.attempts() == 0 && !ack.isCompletedExceptionally());
        }
        return inFlight;
    }

    private CompletableFuture<?> send(Row row) {
        try {
            return kafka.send(DirectEventPublisher.record(
                    row.topic(), row.key(), row.eventId(), row.eventType(), row.envelope()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The error of the send, or null once acknowledged; past the deadline, a timeout. */
    private Throwable await(CompletableFuture<?> ack, long deadline) throws InterruptedException {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (TimeoutException e) {
            return new TimeoutException("no acknowledgement within " + properties.sendTimeout());
        }
    }

    /** Parameters of the failure update: last error, back-off in ms, park?, id. */
    private Object[] failure(Row row, Throwable error) {
        int attempts = row.attempts() + 1;
        boolean park = refused(error) && attempts >= properties.maxAttempts();
        Duration backoff = properties.backoffAfter(attempts);
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(error);
        String message = cause.getMessage() == null
                ? cause.getClass().getName()
                : cause.getClass().getName() + ": " + cause.getMessage();
        if (park) {
            log.error(
                    "Outbox event {} ({} to {}) parked after {} attempts; later events of its key go on without it: {}",
                    row.eventId(),
                    row.eventType(),
                    row.topic(),
                    attempts,
                    message);
        } else {
            log.warn(
                    "Outbox event {} not sent (attempt {}), next try in {}: {}",
                    row.eventId(),
                    attempts,
                    backoff,
                    message);
        }
        return new Object[] {
            message.length() > 1000 ? message.substring(0, 1000) : message, backoff.toMillis(), park, row.id()
        };
    }

    /**
     * Whether Kafka refused the record for good: a non-retriable Kafka error. Retriable ones (Kafka's own {@link
     * RetriableException}s, our timeout) and anything unknown (a producer closed at shutdown) may pass on a later try.
     */
    static boolean refused(Throwable error) {
        boolean kafkaError = false;
        int depth = 0;
        for (Throwable t = error; t != null && depth++ < 20; t = t.getCause()) {
            if (t instanceof RetriableException || t instanceof TimeoutException) {
                return false;
            }
            kafkaError |= t instanceof ApiException;
        }
        return kafkaError;
    }

    private void loop() {
        try {
            // go on at once while passes find a full batch, then wait for the next poll
            while (isRunning() && pass().attempted() >= properties.batchSize()) {
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

    private record DueKey(String key, long pending) {}

    private record Row(
            long id,
            String eventId,
            String topic,
            String key,
            String groupKey,
            String eventType,
            byte[] envelope,
            int attempts,
            boolean due) {}

    private record InFlight(Row row, CompletableFuture<?> ack) {}

    /** Rows sent and acknowledged, and rows tried. */
    private record Pass(int sent, int attempted) {
        static final Pass NOTHING = new Pass(0, 0);
    }
}
