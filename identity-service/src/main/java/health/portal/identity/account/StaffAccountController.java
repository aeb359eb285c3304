package health.portal.identity.account;

import health.portal.identity.web.ClientInfo;
import health.portal.identity.web.StaffMember;
import health.portal.proto.FhirIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Validated
@Tag(name = "Staff: access termination")
public class StaffAccountController {

    private final AccessTermination termination;

    public StaffAccountController(AccessTermination termination) {
        this.termination = termination;
    }

    public record TerminationRequest(
            @NotBlank @Size(max = 500) String reason) {}

    @PostMapping("/internal/staff/patients/{patientId}/access-termination")
    @Operation(summary = "End a patient's portal access; returning requires a new activation code")
    public AccessTermination.Terminated terminate(
            @PathVariable @Size(max = 64) @Pattern(regexp = FhirIds.PATTERN) String patientId,
            @Valid @RequestBody TerminationRequest request,
            @AuthenticationPrincipal Jwt staff,
            HttpServletRequest http) {
        return termination.terminate(patientId, request.reason(), StaffMember.of(staff), ClientInfo.of(http));
    }
}
