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
import java.time.Duration;
import java.time.Instant;

@RestController
@Tag(name = "Me")
public class MeController {

    /** forceExpiredPasswordChange(180) of the realm's password policy. */
    static final int PASSWORD_MAX_AGE_DAYS = 180;

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
            int passwordMaxAgeDays) {}

    @GetMapping("/api/me")
    @Operation(summary = "Who I am, my patient id, terms status and password age")
    public Me me(@AuthenticationPrincipal Jwt jwt) {
        Caller user = Caller.of(jwt);
        Long passwordAge = keycloak.passwordCreatedAt(user.subject())
                .map(created -> Duration.between(created, Instant.now(clock)).toDays())
                .orElse(null);
        return new Me(
                user.subject(),
                user.username(),
                user.name(),
                user.patientId().isEmpty() ? null : user.patientId(),
                terms.status(user.subject()),
                passwordAge,
                PASSWORD_MAX_AGE_DAYS);
    }
}
