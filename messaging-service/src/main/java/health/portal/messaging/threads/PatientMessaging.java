package health.portal.messaging.threads;

import health.portal.messaging.clinic.ClinicCalendar;
import health.portal.messaging.records.CareTeams;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.PatientMessageReceived;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.MessageContent;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A patient writes to the care team: a new thread or a reply. The thread is stored, the content sealed, the event
 * recorded in one transaction; filing into the EMR is tried right after, and retried by the {@link Filer} when the
 * EMR is away, so an accepted message is never lost.
 */
@Service
class PatientMessaging {

    /** A patient's message as written (the text is only sealed and filed, never stored as such). */
    record Draft(String subject, String body, List<Attachment> attachments) {}

    private record Recorded(MessageThread thread, UUID messageId) {}

    record Sent(MessageThread thread, UUID messageId, boolean urgent, boolean filed, String assignedName) {}

    private final CareTeams careTeams;
    private final ClinicCalendar calendar;
    private final Threads threads;
    private final PendingFilings pending;
    private final Sealing sealing;
    private final OutboxPublisher outbox;
    private final Filer filer;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PatientMessaging(
            CareTeams careTeams,
            ClinicCalendar calendar,
            Threads threads,
            PendingFilings pending,
            Sealing sealing,
            OutboxPublisher outbox,
            Filer filer,
            TransactionTemplate transactions,
            Clock clock) {
        this.careTeams = careTeams;
        this.calendar = calendar;
        this.threads = threads;
        this.pending = pending;
        this.sealing = sealing;
        this.outbox = outbox;
        this.filer = filer;
        this.transactions = transactions;
        this.clock = clock;
    }

    Sent compose(String patientId, String recipient, String categoryCode, Draft draft) {
        Category category = Category.ofCode(categoryCode)
                .orElseThrow(() -> Problems.field(
                        "category", "One of medical-question, prescription-renewal, appointment, billing, other."));
        CareTeam team = careTeams.currentOrLastKnown(patientId);
        Instant now = clock.instant();
        Routing.Route route = Routing.route(team, recipient, now);
        boolean urgent = EmergencyTerms.foundIn(draft.subject(), draft.body());
        Instant due = calendar.dueBy(now, team.getPractice().getTimeZone());
        MessageThread thread = MessageThread.openedByPatient(
                patientId, category, route, team.getPractice().getReference(), urgent, now, due);
        UUID messageId = transactions.execute(status -> {
            threads.insert(thread);
            return record(thread, null, draft, now, urgent);
        });
        boolean filed = filer.file(messageId);
        return new Sent(thread, messageId, urgent, filed, Routing.nameOf(team, thread.assignedRef()));
    }

    Sent reply(String patientId, UUID threadId, Draft draft) {
        MessageThread known = threads.findOfPatient(threadId, patientId).orElseThrow(ThreadViews::notFound);
        CareTeam team = careTeamIfReachable(patientId);
        Instant now = clock.instant();
        boolean urgent = EmergencyTerms.foundIn(draft.subject(), draft.body());
        Instant due =
                calendar.dueBy(now, team == null ? null : team.getPractice().getTimeZone());
        Recorded recorded = transactions.execute(status -> {
            MessageThread current = threads.find(known.id).orElseThrow();
            UUID previous = threads.lastMessage(current.id).orElse(null);
            current.patientWrote(now, due, urgent);
            threads.update(current);
            return new Recorded(current, record(current, previous, draft, now, urgent));
        });
        MessageThread thread = recorded.thread();
        UUID messageId = recorded.messageId();
        boolean filed = filer.file(messageId);
        return new Sent(
                thread, messageId, urgent, filed, team == null ? null : Routing.nameOf(team, thread.assignedRef()));
    }

    private UUID record(MessageThread thread, UUID inResponseTo, Draft draft, Instant now, boolean urgent) {
        UUID messageId = UUID.randomUUID();
        String patientRef = "Patient/" + thread.patientId;
        threads.insertMessage(new Threads.MessageRow(
                messageId,
                thread.id,
                Threads.Direction.FROM_PATIENT,
                patientRef,
                thread.assignedRef(),
                now,
                null,
                inResponseTo));
        MessageContent content = MessageContent.newBuilder()
                .setSubject(draft.subject() == null ? "" : draft.subject())
                .setText(draft.body())
                .addAllAttachments(draft.attachments())
                .build();
        pending.hold(messageId, sealing.seal(thread.patientId, content).toByteArray(), now);
        outbox.publish(
                Topics.MESSAGING_EVENTS,
                thread.patientId,
                PatientMessageReceived.newBuilder()
                        .setThreadId(thread.id.toString())
                        .setMessageId(messageId.toString())
                        .setPatientId(thread.patientId)
                        .setAssignedReference(thread.assignedRef())
                        .setUrgent(urgent)
                        .setRoutedToCovering(thread.routedToCovering())
                        .build(),
                thread.patientId);
        return messageId;
    }

    private CareTeam careTeamIfReachable(String patientId) {
        try {
            return careTeams.currentOrLastKnown(patientId);
        } catch (DependencyUnavailableException e) {
            return null; // a reply goes to whoever has the thread; only the clinic's zone is then the default one
        }
    }
}
