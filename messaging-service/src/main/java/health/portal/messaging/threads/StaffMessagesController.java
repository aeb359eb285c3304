package health.portal.messaging.threads;

import health.portal.proto.FhirIds;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The clinic's side (staff tokens only; which role may do what is in the service's access rules). */
@RestController
@RequestMapping("/internal/staff/messages")
class StaffMessagesController {

    static final String REFERENCE = "(Practitioner|Organization)/[A-Za-z0-9\\-.]{1,64}";

    record QueueItem(
            UUID id,
            String patientId,
            String category,
            boolean urgent,
            boolean overdue,
            boolean unread,
            String assignedTo,
            boolean routedToCovering,
            String practice,
            Instant openedAt,
            Instant dueBy) {}

    record StaffReply(@NotBlank @Size(max = 10_000) String body) {}

    record Reassign(@NotBlank @Pattern(regexp = REFERENCE) String to) {}

    record NewThread(
            @NotBlank @Pattern(regexp = FhirIds.PATTERN) String patientId,
            @NotBlank @Size(max = 200) String subject,
            @NotBlank @Size(max = 10_000) String body) {}

    record Written(UUID threadId, UUID messageId, boolean filed) {}

    private final Threads threads;
    private final ThreadViews views;
    private final CareTeamMessaging messaging;

    StaffMessagesController(Threads threads, ThreadViews views, CareTeamMessaging messaging) {
        this.threads = threads;
        this.views = views;
        this.messaging = messaging;
    }

    @GetMapping("/queue")
    List<QueueItem> queue(@RequestParam(required = false) @Pattern(regexp = REFERENCE) String practice) {
        return threads.queue(practice).stream()
                .map(t -> new QueueItem(
                        t.id,
                        t.patientId,
                        t.category.code,
                        t.urgent(),
                        t.overdue(),
                        t.careTeamUnread(),
                        t.assignedRef(),
                        t.routedToCovering(),
                        t.practiceRef,
                        t.openedAt,
                        t.dueAt()))
                .toList();
    }

    @GetMapping("/{threadId}")
    ThreadViews.ThreadView thread(@PathVariable UUID threadId) {
        return views.forCareTeam(threadId);
    }

    @PostMapping("/{threadId}/replies")
    ResponseEntity<Written> reply(@PathVariable UUID threadId, @Valid @RequestBody StaffReply request) {
        CareTeamMessaging.Written written = messaging.reply(threadId, request.body());
        return ResponseEntity.created(URI.create("/internal/staff/messages/" + threadId))
                .body(new Written(written.threadId(), written.messageId(), written.filed()));
    }

    @PostMapping("/{threadId}/reassign")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void reassign(@PathVariable UUID threadId, @Valid @RequestBody Reassign request) {
        messaging.reassign(threadId, request.to());
    }

    @PostMapping("/{threadId}/close")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void close(@PathVariable UUID threadId) {
        messaging.close(threadId);
    }

    @PostMapping
    ResponseEntity<Written> start(@Valid @RequestBody NewThread request) {
        CareTeamMessaging.Written written = messaging.start(request.patientId(), request.subject(), request.body());
        return ResponseEntity.created(URI.create("/internal/staff/messages/" + written.threadId()))
                .body(new Written(written.threadId(), written.messageId(), written.filed()));
    }
}
