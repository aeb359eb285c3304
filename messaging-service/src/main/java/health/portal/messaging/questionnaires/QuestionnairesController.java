package health.portal.messaging.questionnaires;

import health.portal.platform.security.Caller;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.QuestionnaireForm;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The patient's Questionnaires area and the staff assignment route (API.md). */
@RestController
class QuestionnairesController {

    record AssignmentView(UUID id, String kind, String status, String title, Instant assignedAt, Instant completedAt) {}

    record Item(String linkId, String text, String type, List<String> options, boolean required) {}

    record FormView(UUID id, String kind, String status, String title, String description, List<Item> items) {}

    record AnswerIn(
            @NotBlank @Size(max = 64) String linkId,
            @NotNull @Size(max = 2_000) String value) {}

    record Answers(@NotEmpty @Size(max = 200) List<@Valid @NotNull AnswerIn> answers) {}

    record Preferences(@NotNull Boolean surveys) {}

    record Assign(
            @NotBlank @Pattern(regexp = FhirIds.PATTERN) String patientId,
            @NotBlank @Pattern(regexp = FhirIds.PATTERN) String questionnaireId,
            @NotBlank @Pattern(regexp = "survey|lesson") String kind) {}

    private final Questionnaires questionnaires;

    QuestionnairesController(Questionnaires questionnaires) {
        this.questionnaires = questionnaires;
    }

    @GetMapping("/api/questionnaires")
    List<AssignmentView> list(@AuthenticationPrincipal Jwt jwt) {
        String patientId = Caller.of(jwt).requirePatientId();
        return questionnaires.ofPatient(patientId).stream()
                .map(a -> view(a, titleOrNull(a)))
                .toList();
    }

    @GetMapping("/api/questionnaires/{id}")
    FormView form(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        Assignment assignment = questionnaires.assignment(Caller.of(jwt).requirePatientId(), id);
        QuestionnaireForm form = questionnaires.form(assignment);
        return new FormView(
                assignment.id,
                kind(assignment),
                status(assignment),
                form.getTitle(),
                form.getDescription(),
                form.getItemsList().stream()
                        .map(i ->
                                new Item(i.getLinkId(), i.getText(), i.getType(), i.getOptionsList(), i.getRequired()))
                        .toList());
    }

    @PostMapping("/api/questionnaires/{id}/response")
    AssignmentView answer(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id, @Valid @RequestBody Answers body) {
        Assignment done = questionnaires.answer(
                Caller.of(jwt).requirePatientId(),
                id,
                body.answers().stream()
                        .map(a -> new Questionnaires.Answer(a.linkId(), a.value()))
                        .toList());
        return view(done, null);
    }

    @PostMapping("/api/questionnaires/{id}/done")
    AssignmentView done(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return view(questionnaires.done(Caller.of(jwt).requirePatientId(), id), null);
    }

    @GetMapping("/api/questionnaires/preferences")
    Preferences preferences(@AuthenticationPrincipal Jwt jwt) {
        return new Preferences(questionnaires.surveysWanted(Caller.of(jwt).requirePatientId()));
    }

    @PutMapping("/api/questionnaires/preferences")
    Preferences setPreferences(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Preferences body) {
        String patientId = Caller.of(jwt).requirePatientId();
        questionnaires.surveysWanted(patientId, body.surveys());
        return new Preferences(questionnaires.surveysWanted(patientId));
    }

    @PostMapping("/internal/staff/questionnaires")
    ResponseEntity<AssignmentView> assign(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody Assign body) {
        Assignment assignment = questionnaires.assign(
                body.patientId(),
                body.questionnaireId(),
                Assignment.Kind.valueOf(body.kind().toUpperCase()),
                Caller.of(jwt).subject());
        return ResponseEntity.created(URI.create("/api/questionnaires/" + assignment.id))
                .body(view(assignment, null));
    }

    private String titleOrNull(Assignment a) {
        try {
            return questionnaires.form(a).getTitle();
        } catch (RuntimeException e) {
            return null; // listed without its title while the EMR is away
        }
    }

    private static AssignmentView view(Assignment a, String title) {
        return new AssignmentView(a.id, kind(a), status(a), title, a.assignedAt, a.completedAt());
    }

    private static String kind(Assignment a) {
        return a.kind.name().toLowerCase();
    }

    private static String status(Assignment a) {
        return a.status().name().toLowerCase();
    }
}
