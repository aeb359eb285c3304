package health.portal.gateway.audit;

import health.portal.platform.events.DirectEventPublisher;
import health.portal.proto.events.v1.EventEnvelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audit records and security events on their way to Kafka. A request only puts its record into a bounded buffer
 * (never waiting); one background sender hands the buffer to the producer in batches and keeps every record the
 * broker did not acknowledge, trying it again with a growing pause, so that a Kafka outage delays records instead of
 * losing them. Records are lost only when the buffer is full ({@code gateway.audit.dropped{reason=overflow}}) or
 * when a clean shutdown could not deliver them within its time ({@code reason=shutdown}); both are logged.
 * {@code gateway.audit.buffered} is what waits. Delivery is at least once: a record whose acknowledgement was lost
 * is sent again (consumers know records by their event id).
 */
class AuditBuffer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditBuffer.class);

    private static final Duration FIRST_RETRY = Duration.ofMillis(200);

    private static final long OVERFLOW_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final KafkaTemplate<String, byte[]> kafka;

    private final AuditProperties properties;

    private final BlockingQueue<Pending> queue;

    private final Counter overflow;

    private final Counter shutdownLoss;

    /** Taken from the queue by the sender and not acknowledged yet (part of what the gauge shows). */
    private final AtomicLong inHand = new AtomicLong();

    private final AtomicLong lastOverflowLog = new AtomicLong(System.nanoTime() - OVERFLOW_LOG_INTERVAL_NANOS);

    private volatile boolean running;

    private volatile long stopBy;

    private Thread sender;

    AuditBuffer(KafkaTemplate<String, byte[]> kafka, AuditProperties properties, MeterRegistry meters) {
        this.kafka = kafka;
        this.properties = properties;
        this.queue = new ArrayBlockingQueue<>(properties.bufferCapacity());
        this.overflow = Counter.builder("gateway.audit.dropped")
                .tag("reason", "overflow")
                .description("audit records and security events dropped because the buffer was full")
                .register(meters);
        this.shutdownLoss = Counter.builder("gateway.audit.dropped")
                .tag("reason", "shutdown")
                .description("audit records and security events not delivered within the shutdown timeout")
                .register(meters);
        Gauge.builder("gateway.audit.buffered", this, AuditBuffer::size)
                .description("audit records and security events waiting for Kafka")
                .register(meters);
    }

    /** Takes the record for sending; false (and counted) when the buffer is full. Never blocks. */
    boolean offer(String topic, String key, EventEnvelope envelope) {
        if (queue.offer(new Pending(topic, key, envelope))) {
            return true;
        }
        overflow.increment();
        long now = System.nanoTime();
        long last = lastOverflowLog.get();
        if (now - last >= OVERFLOW_LOG_INTERVAL_NANOS && lastOverflowLog.compareAndSet(last, now)) {
            log.warn(
                    "Audit buffer full ({} records): dropped {} event {}; {} dropped so far",
                    properties.bufferCapacity(),
                    envelope.getType(),
                    envelope.getEventId(),
                    (long) overflow.count());
        }
        return false;
    }

    long size() {
        return queue.size() + inHand.get();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopBy = Long.MAX_VALUE;
        sender = Thread.ofPlatform().daemon().name("audit-sender").start(this::run);
    }

    /** Stops taking part only once the buffer is delivered or the shutdown timeout has passed. */
    @Override
    public void stop() {
        Thread thread;
        synchronized (this) {
            if (!running) {
                return;
            }
            stopBy = System.nanoTime() + properties.shutdownTimeout().toNanos();
            running = false;
            thread = sender;
        }
        try {
            // the sender may be inside the producer's own wait (max.block.ms) when the time is up
            thread.join(properties.shutdownTimeout().plusSeconds(6));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops (delivering what is buffered) and closes the producer. */
    void close() {
        stop();
        if (kafka.getProducerFactory() instanceof DisposableBean factory) {
            try {
                factory.destroy();
            } catch (Exception ex) {
                log.warn("Audit producer not closed cleanly: {}", ex.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the web server has stopped (it stops at {@code DEFAULT_PHASE - 2048}): the last requests are in. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 4096;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(properties.batchSize());
        Duration pause = FIRST_RETRY;
        while (true) {
            if (batch.isEmpty() && !take(batch)) {
                if (!running) {
                    break;
                }
                continue;
            }
            if (pastStop()) {
                break;
            }
            if (batch.size() < properties.batchSize()) { // a retried batch takes what came in meanwhile
                queue.drainTo(batch, properties.batchSize() - batch.size());
                inHand.set(batch.size());
            }
            List<Pending> failed = send(batch);
            batch.clear();
            batch.addAll(failed);
            inHand.set(batch.size());
            if (batch.isEmpty()) {
                pause = FIRST_RETRY;
                continue;
            }
            log.warn("{} audit records not taken by Kafka yet; trying again in {} ms", batch.size(), pause.toMillis());
            if (!sleep(pause)) {
                break;
            }
            pause = pause.multipliedBy(2).compareTo(properties.retryMaxInterval()) > 0
                    ? properties.retryMaxInterval()
                    : pause.multipliedBy(2);
        }
        List<Pending> lost = new ArrayList<>(batch);
        queue.drainTo(lost);
        inHand.set(0);
        if (!lost.isEmpty()) {
            shutdownLoss.increment(lost.size());
            log.error(
                    "Shut down with {} audit records not delivered to Kafka (first lost event {})",
                    lost.size(),
                    lost.getFirst().envelope().getEventId());
        }
    }

    /** Waits briefly for records; false when there were none. */
    private boolean take(List<Pending> batch) {
        try {
            Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return false;
            }
            batch.add(first);
            queue.drainTo(batch, properties.batchSize() - 1);
            inHand.set(batch.size());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Hands the batch to the producer (which batches and lingers itself) and waits for the acknowledgements.
     *
     * @return the records not acknowledged
     */
    private List<Pending> send(List<Pending> batch) {
        List<CompletableFuture<SendResult<String, byte[]>>> sent = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            CompletableFuture<SendResult<String, byte[]>> future;
            try {
                future = kafka.send(DirectEventPublisher.record(pending.topic(), pending.key(), pending.envelope()));
            } catch (RuntimeException ex) {
                future = CompletableFuture.failedFuture(ex);
            }
            sent.add(future);
            if (future.isCompletedExceptionally()) {
                // refused at once, typically after waiting max.block.ms for the broker: every further record of the
                // batch would wait as long
                break;
            }
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                    .exceptionally(ex -> null)
                    .get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Waiting for Kafka's acknowledgements: {}", e.toString());
        }
        List<Pending> failed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (i >= sent.size() || !sent.get(i).isDone() || sent.get(i).isCompletedExceptionally()) {
                failed.add(batch.get(i));
            }
        }
        return failed;
    }

    private boolean pastStop() {
        return !running && System.nanoTime() - stopBy > 0;
    }

    /** Sleeps, but not past the shutdown deadline; false when that has passed. */
    private boolean sleep(Duration pause) {
        long nanos = pause.toNanos();
        if (!running) {
            nanos = Math.min(nanos, stopBy - System.nanoTime());
            if (nanos <= 0) {
                return false;
            }
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Pending(String topic, String key, EventEnvelope envelope) {}
}
