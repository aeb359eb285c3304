package health.portal.messaging.threads;

import health.portal.messaging.records.CareTeams;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.CareTeamMessageSent;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.MessageContent;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * The care team's side: answer, hand on, close, and write to a patient first. Their messages are filed the same way
 * as the patient's (sealed while they wait), and the patient is told through {@code CareTeamMessageSent}.
 */
@Service
class CareTeamMessaging {

    record Written(UUID threadId, UUID messageId, boolean filed) {}

    private final Threads threads;
    private final PendingFilings pending;
    private final Sealing sealing;
    private final OutboxPublisher outbox;
    private final Filer filer;
    private final CareTeams careTeams;
    private final TransactionTemplate transactions;
    private final Clock clock;

    CareTeamMessaging(
            Threads threads,
            PendingFilings pending,
            Sealing sealing,
            OutboxPublisher outbox,
            Filer filer,
            CareTeams careTeams,
            TransactionTemplate transactions,
            Clock clock) {
        this.threads = threads;
        this.pending = pending;
        this.sealing = sealing;
        this.outbox = outbox;
        this.filer = filer;
        this.careTeams = careTeams;
        this.transactions = transactions;
        this.clock = clock;
    }

    Written reply(UUID threadId, String body) {
        Instant now = clock.instant();
        Written written = transactions.execute(status -> {
            MessageThread thread = threads.find(threadId).orElseThrow(ThreadViews::notFound);
            UUID previous = threads.lastMessage(thread.id).orElse(null);
            thread.careTeamAnswered(now);
            threads.update(thread);
            return new Written(thread.id, record(thread, previous, "", body, now, false), false);
        });
        return new Written(written.threadId(), written.messageId(), filer.file(written.messageId()));
    }

    /** To a provider of the patient's care team, or the practice pool. */
    void reassign(UUID threadId, String to) {
        MessageThread known = threads.find(threadId).orElseThrow(ThreadViews::notFound);
        CareTeam team = careTeams.current(known.patientId);
        if (Routing.provider(team, to).isEmpty()
                && !to.equals(team.getPractice().getReference())) {
            throw Problems.exception(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "recipient-not-in-care-team",
                    "Not in the care team",
                    "Reassign to a provider of the patient's care team or the practice pool.");
        }
        transactions.executeWithoutResult(status -> {
            MessageThread thread = threads.find(threadId).orElseThrow(ThreadViews::notFound);
            thread.reassign(to);
            threads.update(thread);
        });
    }

    void close(UUID threadId) {
        transactions.executeWithoutResult(status -> {
            MessageThread thread = threads.find(threadId).orElseThrow(ThreadViews::notFound);
            thread.close();
            threads.update(thread);
        });
    }

    /** A new thread to the patient, from their own provider (the care team's first). */
    Written start(String patientId, String subject, String body) {
        CareTeam team = careTeams.current(patientId);
        if (team.getProvidersCount() == 0) {
            throw Problems.exception(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "no-care-team",
                    "No care team",
                    "The EMR names no provider for this patient.");
        }
        Instant now = clock.instant();
        MessageThread thread = MessageThread.startedByCareTeam(
                patientId,
                team.getProviders(0).getReference(),
                team.getPractice().getReference(),
                now);
        UUID messageId = transactions.execute(status -> {
            threads.insert(thread);
            return record(thread, null, subject, body, now, true);
        });
        return new Written(thread.id, messageId, filer.file(messageId));
    }

    private UUID record(
            MessageThread thread, UUID inResponseTo, String subject, String body, Instant now, boolean newThread) {
        UUID messageId = UUID.randomUUID();
        // staff accounts name no Practitioner: the care team answers as the provider who has the thread
        String sender = thread.assignedRef().startsWith("Practitioner/") ? thread.assignedRef() : thread.chosenRef;
        threads.insertMessage(new Threads.MessageRow(
                messageId,
                thread.id,
                Threads.Direction.TO_PATIENT,
                sender,
                "Patient/" + thread.patientId,
                now,
                null,
                inResponseTo));
        MessageContent content =
                MessageContent.newBuilder().setSubject(subject).setText(body).build();
        pending.hold(messageId, sealing.seal(thread.patientId, content).toByteArray(), now);
        outbox.publish(
                Topics.MESSAGING_EVENTS,
                thread.patientId,
                CareTeamMessageSent.newBuilder()
                        .setThreadId(thread.id.toString())
                        .setMessageId(messageId.toString())
                        .setPatientId(thread.patientId)
                        .setNewThread(newThread)
                        .build(),
                thread.patientId);
        return messageId;
    }
}
