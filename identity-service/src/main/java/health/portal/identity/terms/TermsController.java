package health.portal.identity.terms;

import health.portal.identity.web.ClientInfo;
import health.portal.platform.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Terms of use")
public class TermsController {

    static final String VERSION = "^[A-Za-z0-9._-]{1,32}$";

    private final TermsService terms;
    private final TermsAcceptance acceptances;

    TermsController(TermsService terms, TermsAcceptance acceptances) {
        this.terms = terms;
        this.acceptances = acceptances;
    }

    @GetMapping("/api/terms/current")
    @Operation(summary = "The current terms of use (public)")
    public TermsService.TermsVersion current() {
        return terms.current();
    }

    public record Acceptance(
            @NotBlank @Size(max = 32) @Pattern(regexp = VERSION)
            String version) {}

    @PostMapping("/api/me/terms-acceptance")
    @Operation(
            summary = "Accept the current terms of use",
            description = "Recorded, then set on the account so that the next access token carries it (claim"
                    + " terms_version): an app refreshes its token afterwards; the browser portal's gateway does so"
                    + " itself. 503 if the sign-in service is away: the acceptance is recorded, send it again.")
    public TermsService.TermsStatus accept(
            @Valid @RequestBody Acceptance acceptance, @AuthenticationPrincipal Jwt jwt, HttpServletRequest request) {
        return acceptances.accept(Caller.of(jwt), acceptance.version(), ClientInfo.of(request));
    }

    public record NewVersion(
            @NotBlank @Size(max = 32) @Pattern(regexp = VERSION)
            String version,

            @NotBlank @Size(max = 100_000) String text) {}

    @PostMapping("/internal/staff/terms")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Publish a new terms version; every patient must accept it at the next sign-in")
    public TermsService.TermsVersion publish(@Valid @RequestBody NewVersion version) {
        return terms.publish(version.version(), version.text());
    }
}
