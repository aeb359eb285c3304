package health.portal.messaging.threads;

import health.portal.messaging.records.CareTeams;
import health.portal.messaging.records.RecordsClient;
import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.problem.Problems;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.FiledMessage;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Threads as people read them: the workflow state from this database, every subject and body from the EMR. A
 * message not filed yet shows as sent, its text not yet available; so does everything while the EMR is away.
 */
@Service
class ThreadViews {

    record Assignee(String reference, String name) {}

    record ThreadSummary(
            UUID id,
            String category,
            String status,
            boolean overdue,
            boolean urgent,
            boolean unread,
            Assignee assignedTo,
            Instant openedAt,
            Instant lastMessageAt,
            Instant dueBy,
            String subject) {}

    record AttachmentView(String id, String contentType, String title, long size) {}

    record MessageView(
            UUID id,
            String from,
            String senderName,
            Instant sentAt,
            String subject,
            String body,
            List<AttachmentView> attachments,
            boolean filed,
            boolean textAvailable) {}

    record ThreadView(
            UUID id,
            String patientId,
            String category,
            String status,
            boolean overdue,
            boolean urgent,
            Assignee assignedTo,
            boolean routedToCovering,
            Instant openedAt,
            Instant dueBy,
            List<MessageView> messages) {}

    record AttachmentContent(String contentType, String title, byte[] data) {}

    private final Threads threads;
    private final RecordsClient records;
    private final CareTeams careTeams;

    ThreadViews(Threads threads, RecordsClient records, CareTeams careTeams) {
        this.threads = threads;
        this.records = records;
        this.careTeams = careTeams;
    }

    static ErrorResponseException notFound() {
        return Problems.exception(
                HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "There is no such conversation.");
    }

    List<ThreadSummary> ofPatient(String patientId) {
        List<MessageThread> list = threads.ofPatient(patientId);
        Map<String, String> subjects =
                firstSubjects(patientId, list.stream().map(t -> t.id.toString()).toList());
        CareTeam team = careTeam(patientId);
        return list.stream()
                .map(t -> new ThreadSummary(
                        t.id,
                        t.category.code,
                        t.status().name().toLowerCase(),
                        t.overdue(),
                        t.urgent(),
                        t.patientUnread(),
                        assignee(team, t.assignedRef()),
                        t.openedAt,
                        t.lastMessageAt(),
                        t.dueAt(),
                        subjects.get(t.id.toString())))
                .toList();
    }

    /** The patient's thread, marked read. */
    ThreadView forPatient(String patientId, UUID threadId) {
        MessageThread thread = threads.findOfPatient(threadId, patientId).orElseThrow(ThreadViews::notFound);
        ThreadView view = view(thread);
        if (thread.patientUnread()) {
            thread.readByPatient(true);
            saveReadState(thread);
        }
        return view;
    }

    ThreadView forCareTeam(UUID threadId) {
        MessageThread thread = threads.find(threadId).orElseThrow(ThreadViews::notFound);
        ThreadView view = view(thread);
        if (thread.careTeamUnread()) {
            thread.readByCareTeam();
            saveReadState(thread);
        }
        return view;
    }

    /** Reading never fails for a change made meanwhile: the newer state wins, the next read marks it again. */
    private void saveReadState(MessageThread thread) {
        try {
            threads.update(thread);
        } catch (ErrorResponseException concurrentChange) {
            // someone wrote to the thread between our read and this mark
        }
    }

    void markRead(String patientId, UUID threadId, boolean read) {
        MessageThread thread = threads.findOfPatient(threadId, patientId).orElseThrow(ThreadViews::notFound);
        thread.readByPatient(read);
        threads.update(thread);
    }

    /** Attachment ids are {@code <message id>.<position>}: the EMR keeps them in the order they were sent. */
    AttachmentContent attachment(String patientId, UUID threadId, String attachmentId) {
        threads.findOfPatient(threadId, patientId).orElseThrow(ThreadViews::notFound);
        int dot = attachmentId.lastIndexOf('.');
        if (dot < 0) {
            throw notFound();
        }
        String messageId = attachmentId.substring(0, dot);
        int position;
        try {
            position = Integer.parseInt(attachmentId.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw notFound();
        }
        FiledMessage message = records.read(patientId, List.of(threadId.toString()), true).stream()
                .filter(m -> m.getIdempotencyKey().equals(messageId))
                .findFirst()
                .orElseThrow(ThreadViews::notFound);
        if (position < 0 || position >= message.getAttachmentsCount()) {
            throw notFound();
        }
        Attachment a = message.getAttachments(position);
        return new AttachmentContent(
                a.getContentType(), a.getTitle(), a.getData().toByteArray());
    }

    private ThreadView view(MessageThread thread) {
        Map<String, FiledMessage> filed = filedMessages(thread.patientId, thread.id.toString());
        CareTeam team = careTeam(thread.patientId);
        List<MessageView> messages = threads.messages(thread.id).stream()
                .map(row -> message(row, Optional.ofNullable(filed.get(row.id().toString())), team))
                .toList();
        return new ThreadView(
                thread.id,
                thread.patientId,
                thread.category.code,
                thread.status().name().toLowerCase(),
                thread.overdue(),
                thread.urgent(),
                assignee(team, thread.assignedRef()),
                thread.routedToCovering(),
                thread.openedAt,
                thread.dueAt(),
                messages);
    }

    private static MessageView message(Threads.MessageRow row, Optional<FiledMessage> filed, CareTeam team) {
        boolean fromPatient = row.direction() == Threads.Direction.FROM_PATIENT;
        String senderName = fromPatient || team == null ? null : Routing.nameOf(team, row.senderRef());
        List<AttachmentView> attachments = filed.map(m -> {
                    List<AttachmentView> list = new java.util.ArrayList<>();
                    for (int i = 0; i < m.getAttachmentsCount(); i++) {
                        Attachment a = m.getAttachments(i);
                        list.add(new AttachmentView(row.id() + "." + i, a.getContentType(), a.getTitle(), a.getSize()));
                    }
                    return list;
                })
                .orElse(List.of());
        return new MessageView(
                row.id(),
                fromPatient ? "patient" : "care-team",
                senderName,
                row.sentAt(),
                filed.map(FiledMessage::getSubject).orElse(null),
                filed.map(FiledMessage::getText).orElse(null),
                attachments,
                row.emrCommunicationId() != null,
                filed.isPresent());
    }

    private Map<String, FiledMessage> filedMessages(String patientId, String threadId) {
        try {
            return records.read(patientId, List.of(threadId), false).stream()
                    .collect(Collectors.toMap(FiledMessage::getIdempotencyKey, Function.identity(), (a, b) -> a));
        } catch (DependencyUnavailableException e) {
            return Map.of();
        }
    }

    private Map<String, String> firstSubjects(String patientId, List<String> threadIds) {
        Map<String, String> subjects = new LinkedHashMap<>();
        try {
            records.read(patientId, threadIds, false).stream()
                    .sorted(Comparator.comparing(m -> m.getSentAt().getSeconds()))
                    .forEach(m -> subjects.putIfAbsent(m.getThreadId(), m.getSubject()));
        } catch (DependencyUnavailableException e) {
            // shown without subjects until the EMR is back
        }
        return subjects;
    }

    private CareTeam careTeam(String patientId) {
        try {
            return careTeams.currentOrLastKnown(patientId);
        } catch (DependencyUnavailableException e) {
            return null;
        }
    }

    private static Assignee assignee(CareTeam team, String reference) {
        return new Assignee(reference, team == null ? null : Routing.nameOf(team, reference));
    }
}
