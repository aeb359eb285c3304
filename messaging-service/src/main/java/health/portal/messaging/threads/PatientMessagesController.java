package health.portal.messaging.threads;

import com.fasterxml.jackson.annotation.JsonInclude;
import health.portal.messaging.records.CareTeams;
import health.portal.platform.security.Caller;
import health.portal.proto.records.v1.CareProvider;
import health.portal.proto.records.v1.CareTeam;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The patient's messages (API.md): always the token's patient, whatever a path or body says. */
@RestController
@RequestMapping("/api/messages")
class PatientMessagesController {

    record Upload(String contentType, String title, String data) {}

    record NewMessage(
            @NotBlank String recipient,
            @NotBlank String category,
            @NotBlank @Size(max = 200) String subject,
            @NotBlank @Size(max = 10_000) String body,

            @NotNull @AssertTrue(message = "Messages must concern only you: confirm it.")
            Boolean concernsOnlyMe,

            @Size(max = Attachments.MAX_COUNT) List<Upload> attachments) {}

    record Reply(
            @NotBlank @Size(max = 10_000) String body,

            @NotNull @AssertTrue(message = "Messages must concern only you: confirm it.")
            Boolean concernsOnlyMe,

            @Size(max = Attachments.MAX_COUNT) List<Upload> attachments) {}

    record ReadState(@NotNull Boolean read) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Accepted(
            UUID threadId,
            UUID messageId,
            ThreadViews.Assignee assignedTo,
            boolean routedToCovering,
            Instant dueBy,
            boolean urgent,
            boolean filed,
            String emergencyNotice,
            String emergencyWarning) {}

    record Covering(String reference, String name) {}

    record Recipient(String reference, String name, String role, boolean available, Covering coveredBy) {}

    record PracticeView(String name, String phone) {}

    record Recipients(List<Recipient> recipients, PracticeView practice, String emergencyNotice) {}

    private final PatientMessaging messaging;
    private final ThreadViews views;
    private final CareTeams careTeams;
    private final Clock clock;

    PatientMessagesController(PatientMessaging messaging, ThreadViews views, CareTeams careTeams, Clock clock) {
        this.messaging = messaging;
        this.views = views;
        this.careTeams = careTeams;
        this.clock = clock;
    }

    @GetMapping("/recipients")
    Recipients recipients(@AuthenticationPrincipal Jwt jwt) {
        CareTeam team = careTeams.current(Caller.of(jwt).requirePatientId());
        Instant now = clock.instant();
        List<Recipient> recipients = team.getProvidersList().stream()
                .map(p -> new Recipient(
                        p.getReference(),
                        p.getDisplayName(),
                        p.getRole(),
                        Routing.available(p, now),
                        Routing.available(p, now) ? null : covering(team, p)))
                .toList();
        return new Recipients(
                recipients,
                new PracticeView(
                        team.getPractice().getName(), team.getPractice().getPhone()),
                Emergency.NOTICE);
    }

    private static Covering covering(CareTeam team, CareProvider provider) {
        String ref = provider.getCoveringReference().isEmpty()
                ? team.getPractice().getReference()
                : provider.getCoveringReference();
        return new Covering(ref, Routing.nameOf(team, ref));
    }

    @PostMapping
    ResponseEntity<Accepted> compose(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody NewMessage request) {
        String patientId = Caller.of(jwt).requirePatientId();
        PatientMessaging.Sent sent = messaging.compose(
                patientId,
                request.recipient(),
                request.category(),
                new PatientMessaging.Draft(request.subject(), request.body(), uploads(request.attachments())));
        return ResponseEntity.created(URI.create("/api/messages/" + sent.thread().id))
                .body(accepted(sent));
    }

    @PostMapping("/{threadId}/replies")
    ResponseEntity<Accepted> reply(
            @AuthenticationPrincipal Jwt jwt, @PathVariable UUID threadId, @Valid @RequestBody Reply request) {
        String patientId = Caller.of(jwt).requirePatientId();
        PatientMessaging.Sent sent = messaging.reply(
                patientId, threadId, new PatientMessaging.Draft("", request.body(), uploads(request.attachments())));
        return ResponseEntity.created(URI.create("/api/messages/" + threadId)).body(accepted(sent));
    }

    @GetMapping
    List<ThreadViews.ThreadSummary> list(@AuthenticationPrincipal Jwt jwt) {
        return views.ofPatient(Caller.of(jwt).requirePatientId());
    }

    @GetMapping("/{threadId}")
    ThreadViews.ThreadView thread(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID threadId) {
        return views.forPatient(Caller.of(jwt).requirePatientId(), threadId);
    }

    @PutMapping("/{threadId}/read")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void read(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID threadId, @Valid @RequestBody ReadState state) {
        views.markRead(Caller.of(jwt).requirePatientId(), threadId, state.read());
    }

    @GetMapping("/{threadId}/attachments/{attachmentId}")
    ResponseEntity<byte[]> attachment(
            @AuthenticationPrincipal Jwt jwt, @PathVariable UUID threadId, @PathVariable String attachmentId) {
        ThreadViews.AttachmentContent content =
                views.attachment(Caller.of(jwt).requirePatientId(), threadId, attachmentId);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(content.contentType()))
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(content.title(), StandardCharsets.UTF_8)
                                .build()
                                .toString())
                .header("X-Content-Type-Options", "nosniff")
                .body(content.data());
    }

    private static List<health.portal.proto.records.v1.Attachment> uploads(List<Upload> uploads) {
        return Attachments.decode(
                uploads == null
                        ? List.of()
                        : uploads.stream()
                                .map(u ->
                                        u == null ? null : new Attachments.Upload(u.contentType(), u.title(), u.data()))
                                .toList());
    }

    private static Accepted accepted(PatientMessaging.Sent sent) {
        MessageThread t = sent.thread();
        return new Accepted(
                t.id,
                sent.messageId(),
                new ThreadViews.Assignee(t.assignedRef(), sent.assignedName()),
                t.routedToCovering(),
                t.dueAt(),
                sent.urgent(),
                sent.filed(),
                Emergency.NOTICE,
                sent.urgent() ? Emergency.WARNING : null);
    }
}
