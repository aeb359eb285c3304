package health.portal.records.audit;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of audit records. The records of concurrent calls that arrive while one group is on its way to the
 * broker go out together as the next group, in one produce request and one flush, instead of each call paying its
 * own round trip behind the others'. Each record's future completes only with the broker's acknowledgement of that
 * record (acks=all), so a caller that waits for it still hands out nothing unaudited; a record whose caller gave up
 * waiting (the access was refused) is not sent at all.
 */
final class AuditBatches implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditBatches.class);

    private record Pending(ProducerRecord<String, byte[]> record, CompletableFuture<Void> acknowledged) {}

    private final Producer<String, byte[]> producer;
    private final BlockingQueue<Pending> queue;
    private final int maxBatch;
    private final DistributionSummary batchSizes;
    private final Thread sender;
    private volatile boolean open = true;

    AuditBatches(Producer<String, byte[]> producer, int capacity, int maxBatch, MeterRegistry meters) {
        this.producer = producer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.batchSizes = DistributionSummary.builder("portal.records.audit.batch.size")
                .description("Audit records sent to Kafka together in one group (one flush)")
                .register(meters);
        this.sender = Thread.ofPlatform().name("audit-sender").daemon().start(this::sendGroups);
    }

    /**
     * Queues the record for the next group. The future fails at once when the queue is full or closed: an audit that
     * cannot even be queued refuses the access like one Kafka does not take.
     */
    CompletableFuture<Void> write(ProducerRecord<String, byte[]> record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        if (!open || !queue.offer(pending)) {
            pending.acknowledged().completeExceptionally(new IllegalStateException("audit queue full or closed"));
        }
        return pending.acknowledged();
    }

    private void sendGroups() {
        List<Pending> group = new ArrayList<>(maxBatch);
        while (open || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxBatch - 1);
                int sent = 0;
                for (Pending p : group) {
                    if (p.acknowledged().isDone()) {
                        continue; // its caller stopped waiting and refused the access
                    }
                    try {
                        producer.send(p.record(), (metadata, e) -> {
                            if (e == null) {
                                p.acknowledged().complete(null);
                            } else {
                                p.acknowledged().completeExceptionally(e);
                            }
                        });
                        sent++;
                    } catch (RuntimeException e) { // no metadata within max.block.ms, a closed producer
                        p.acknowledged().completeExceptionally(e);
                    }
                }
                if (sent > 0) {
                    // sends at once what the producer holds, and waits: meanwhile the next group gathers in the queue
                    producer.flush();
                    batchSizes.record(sent);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.error("Audit group failed: {}", e.toString());
                group.forEach(p -> p.acknowledged().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        queue.forEach(p -> p.acknowledged().completeExceptionally(new IllegalStateException("audit closed")));
    }

    /** Sends what is queued (the calls in flight wait for it), then closes the producer. */
    @Override
    public void close() {
        open = false;
        try {
            sender.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
