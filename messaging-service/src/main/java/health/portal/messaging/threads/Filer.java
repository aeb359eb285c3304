package health.portal.messaging.threads;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.messaging.records.RecordsClient;
import health.portal.messaging.records.RecordsRefusedException;
import health.portal.platform.events.Envelopes;
import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.SealedContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Files held messages into the EMR through records-service: at once after they are accepted, and again on a
 * schedule until each is filed. A row is locked while it is filed, so one replica files it; the EMR filing is
 * idempotent by the message id, so a crash between filing and forgetting files it once all the same.
 */
@Component
class Filer {

    private static final Logger log = LoggerFactory.getLogger(Filer.class);

    private final PendingFilings pending;
    private final Threads threads;
    private final RecordsClient records;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    Filer(
            PendingFilings pending,
            Threads threads,
            RecordsClient records,
            TransactionTemplate transactions,
            Clock clock,
            @Value("${portal.messaging.filing.first-backoff:5s}") Duration firstBackoff,
            @Value("${portal.messaging.filing.max-backoff:5m}") Duration maxBackoff) {
        this.pending = pending;
        this.threads = threads;
        this.records = records;
        this.transactions = transactions;
        this.clock = clock;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Files one message now if it still waits; true when it is in the EMR. Never throws: the message is accepted
     * already, and whatever went wrong the schedule tries again.
     */
    boolean file(UUID messageId) {
        try {
            Boolean filed = transactions.execute(status -> pending.lock(messageId)
                    .map(this::fileLocked)
                    .orElseGet(() -> threads.message(messageId)
                            .map(m -> m.emrCommunicationId() != null)
                            .orElse(false)));
            return Boolean.TRUE.equals(filed);
        } catch (RuntimeException e) {
            // the exception's class only: its message might quote the request
            log.error(
                    "Message {} not filed ({}); the filer will try again",
                    messageId,
                    e.getClass().getName());
            return false;
        }
    }

    @Scheduled(
            fixedDelayString = "${portal.messaging.filing.interval:15s}",
            initialDelayString = "${portal.messaging.filing.interval:15s}")
    void fileWaiting() {
        for (UUID messageId : pending.due(clock.instant(), 50)) {
            file(messageId);
        }
    }

    private boolean fileLocked(PendingFilings.Pending row) {
        Threads.MessageRow message = threads.message(row.messageId()).orElseThrow();
        MessageThread thread = threads.find(message.threadId()).orElseThrow();
        String inResponseTo = "";
        if (message.inResponseTo() != null) {
            String answered = threads.message(message.inResponseTo())
                    .map(Threads.MessageRow::emrCommunicationId)
                    .orElse(null);
            if (answered == null) {
                // the message it answers is not in the record yet: file in order, this one after it
                return retryLater(row, "AWAITING_PREVIOUS");
            }
            inResponseTo = answered;
        }
        try {
            String communicationId = records.file(request(thread, message, inResponseTo, row.sealed()));
            threads.filed(message.id(), communicationId);
            pending.forget(message.id());
            log.info("Message {} of thread {} filed as Communication {}", message.id(), thread.id, communicationId);
            return true;
        } catch (DependencyUnavailableException e) {
            return retryLater(row, "UNAVAILABLE");
        } catch (RecordsRefusedException e) {
            log.error("records-service refused to file message {} ({}); it stays held", message.id(), e.code());
            return retryLater(row, e.code());
        }
    }

    private boolean retryLater(PendingFilings.Pending row, String reason) {
        int attempts = row.attempts() + 1;
        Instant next = clock.instant().plus(PendingFilings.backoff(row.attempts(), firstBackoff, maxBackoff));
        pending.failed(row.messageId(), attempts, reason, next);
        log.warn("Message {} not filed yet ({}), attempt {}; next at {}", row.messageId(), reason, attempts, next);
        return false;
    }

    private static FileCommunicationRequest request(
            MessageThread thread, Threads.MessageRow message, String inResponseTo, byte[] sealed) {
        try {
            return FileCommunicationRequest.newBuilder()
                    .setPatientId(thread.patientId)
                    .setIdempotencyKey(message.id().toString())
                    .setSenderReference(message.senderRef())
                    .setRecipientReference(message.recipientRef())
                    .setThreadId(thread.id.toString())
                    .setSentAt(Envelopes.timestamp(message.sentAt()))
                    .setSealed(SealedContent.parseFrom(sealed))
                    .setCategory(thread.category.code)
                    .setUrgent(thread.urgent() && message.direction() == Threads.Direction.FROM_PATIENT)
                    .setInResponseTo(inResponseTo)
                    .build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("held box of message " + message.id() + " is not a SealedContent", e);
        }
    }
}
