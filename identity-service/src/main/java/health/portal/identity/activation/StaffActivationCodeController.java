package health.portal.identity.activation;

import health.portal.identity.web.ClientInfo;
import health.portal.identity.web.StaffMember;
import health.portal.proto.FhirIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

@RestController
@Validated
@RequestMapping("/internal/staff/activation-codes")
@Tag(name = "Staff: activation codes")
public class StaffActivationCodeController {

    static final String PATIENT_ID = FhirIds.PATTERN;

    private final ActivationCodeService codes;

    public StaffActivationCodeController(ActivationCodeService codes) {
        this.codes = codes;
    }

    /** Both identifiers are checked against the EMR, as staff would check two identifiers at the desk. */
    public record IssueRequest(
            @NotBlank @Size(max = 64) @Pattern(regexp = PATIENT_ID, message = "must be an EMR patient id")
            String patientId,

            @NotNull @Past LocalDate birthDate) {}

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue an activation code for an EMR patient (the code is shown only in this response)")
    public ActivationCodeService.IssuedCode issue(
            @Valid @RequestBody IssueRequest request, @AuthenticationPrincipal Jwt staff, HttpServletRequest http) {
        return codes.issue(request.patientId(), request.birthDate(), StaffMember.of(staff), ClientInfo.of(http));
    }

    @GetMapping
    @Operation(summary = "List a patient's activation codes (never the codes themselves)")
    public List<ActivationCodeService.CodeSummary> list(
            @RequestParam @Size(max = 64) @Pattern(regexp = PATIENT_ID) String patientId) {
        return codes.list(patientId);
    }

    @PostMapping("/{id}/revocation")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke an activation code")
    public void revoke(@PathVariable UUID id, @AuthenticationPrincipal Jwt staff, HttpServletRequest http) {
        codes.revoke(id, StaffMember.of(staff), ClientInfo.of(http));
    }
}
