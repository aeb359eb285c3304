package health.portal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Instant;
import java.util.List;

/** Issuer and audience are both required; a token the realm issued to another client is not a portal token. */
class PortalTokensTest {

    static final String ISSUER = "http://localhost:8180/realms/portal";

    private static Jwt token(String issuer, List<String> audience) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "RS256")
                .subject("user-1")
                .issuer(issuer)
                .issuedAt(Instant.now().minusSeconds(5))
                .expiresAt(Instant.now().plusSeconds(300));
        if (audience != null) {
            builder.audience(audience);
        }
        return builder.build();
    }

    @Test
    void acceptsTheRealmsTokensForThePortalApi() {
        OAuth2TokenValidator<Jwt> validator = PortalTokens.validator(ISSUER, List.of());
        assertThat(validator
                        .validate(token(ISSUER, List.of("portal-api", "account")))
                        .hasErrors())
                .isFalse();
    }

    @Test
    void refusesTokensForAnotherAudienceOrNone() {
        OAuth2TokenValidator<Jwt> validator = PortalTokens.validator(ISSUER, null);
        assertThat(validator.validate(token(ISSUER, List.of("account"))).hasErrors())
                .isTrue();
        assertThat(validator.validate(token(ISSUER, null)).hasErrors()).isTrue();
    }

    @Test
    void refusesTokensOfAnotherIssuer() {
        OAuth2TokenValidator<Jwt> validator = PortalTokens.validator(ISSUER, List.of("portal-api"));
        assertThat(validator
                        .validate(token("http://evil.example/realms/portal", List.of("portal-api")))
                        .hasErrors())
                .isTrue();
    }

    @Test
    void aServiceMayNameItsOwnAudience() {
        OAuth2TokenValidator<Jwt> validator = PortalTokens.validator(ISSUER, List.of("billing-api"));
        assertThat(validator.validate(token(ISSUER, List.of("billing-api"))).hasErrors())
                .isFalse();
        assertThat(validator.validate(token(ISSUER, List.of("portal-api"))).hasErrors())
                .isTrue();
    }
}
