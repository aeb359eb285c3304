package health.portal.identity.account;

import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.terms.TermsService;
import health.portal.platform.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

@RestController
@Tag(name = "Me")
public class MeController {

    private final TermsService terms;
    private final KeycloakAccounts keycloak;
    private final Clock clock;

    public MeController(TermsService terms, KeycloakAccounts keycloak, Clock clock) {
        this.terms = terms;
        this.keycloak = keycloak;
        this.clock = clock;
    }

    public record Me(
            String userId,
            String username,
            String name,
            String patientId,
            TermsService.TermsStatus terms,
            Long passwordAgeDays,
            int passwordMaxAgeDays,
            Instant passwordExpiresAt,
            Long passwordDaysLeft,
            boolean passwordChangeDueSoon) {}

    @GetMapping("/api/me")
    @Operation(
            summary = "Who I am, my patient id, terms status, password age and expiry",
            description = "passwordChangeDueSoon is true from 14 days before the 180-day expiry on; after "
                    + "passwordExpiresAt the next sign-in asks for a new password.")
    public Me me(@AuthenticationPrincipal Jwt jwt) {
        Caller user = Caller.of(jwt);
        Optional<PasswordExpiry> password =
                keycloak.passwordCreatedAt(user.subject()).map(setAt -> PasswordExpiry.of(setAt, clock));
        return new Me(
                user.subject(),
                user.username(),
                user.name(),
                user.patientId().isEmpty() ? null : user.patientId(),
                terms.status(user.subject()),
                password.map(PasswordExpiry::ageDays).orElse(null),
                (int) PasswordExpiry.MAX_AGE.toDays(),
                password.map(PasswordExpiry::expiresAt).orElse(null),
                password.map(PasswordExpiry::daysLeft).orElse(null),
                password.map(PasswordExpiry::changeDueSoon).orElse(false));
    }
}
