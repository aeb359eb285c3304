package health.portal.messaging.threads;

import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.proto.events.v1.ResponseOverdue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The three-business-day clock: open threads past due without an answer are marked overdue and {@code
 * ResponseOverdue} goes out once for each (the notices tell the patient to phone the office and alert the pool).
 * Marking and publishing share a transaction, and the rows are locked, so replicas never alert twice.
 */
@Component
class OverdueClock {

    private static final Logger log = LoggerFactory.getLogger(OverdueClock.class);

    private final Threads threads;
    private final OutboxPublisher outbox;
    private final TransactionTemplate transactions;
    private final Clock clock;

    OverdueClock(Threads threads, OutboxPublisher outbox, TransactionTemplate transactions, Clock clock) {
        this.threads = threads;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${portal.messaging.clock.interval:1m}")
    void tick() {
        int marked;
        do {
            marked = markBatch(clock.instant());
        } while (marked > 0);
    }

    /** @return how many threads became overdue */
    int markBatch(Instant now) {
        Integer marked = transactions.execute(status -> {
            List<MessageThread> due = threads.pastDueUnmarked(now, 100);
            int count = 0;
            for (MessageThread thread : due) {
                if (!thread.markOverdue(now)) {
                    continue;
                }
                threads.update(thread);
                outbox.publish(
                        Topics.MESSAGING_EVENTS,
                        thread.patientId,
                        ResponseOverdue.newBuilder()
                                .setThreadId(thread.id.toString())
                                .setPatientId(thread.patientId)
                                .setPracticeReference(thread.practiceRef == null ? "" : thread.practiceRef)
                                .setDueAt(Envelopes.timestamp(thread.dueAt()))
                                .build(),
                        thread.patientId);
                count++;
            }
            return count;
        });
        if (marked != null && marked > 0) {
            log.info("{} threads past their answer time marked overdue", marked);
        }
        return marked == null ? 0 : marked;
    }
}
