package health.portal.platform.security;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

import java.util.List;

/**
 * What makes an access token acceptable anywhere in the portal: the realm's signature (JWKS), not expired, exactly
 * the realm's issuer, and the portal's API audience. Without the audience check a token the realm issued to any
 * other client would be accepted too.
 */
public final class PortalTokens {

    /** The audience every client of the portal's APIs gets in its access tokens (Keycloak audience mapper). */
    public static final String DEFAULT_AUDIENCE = "portal-api";

    private PortalTokens() {}

    public static OAuth2TokenValidator<Jwt> validator(String issuer, List<String> audiences) {
        List<String> accepted = audiences == null || audiences.isEmpty() ? List.of(DEFAULT_AUDIENCE) : audiences;
        return new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(issuer),
                new JwtClaimValidator<List<String>>(
                        "aud", aud -> aud != null && aud.stream().anyMatch(accepted::contains)));
    }

    /** The JWKS endpoint of a Keycloak realm, from its issuer. */
    public static String keycloakJwkSetUri(String issuer) {
        return stripSlash(issuer) + "/protocol/openid-connect/certs";
    }

    /**
     * A decoder for servlet and gRPC services. With no JWKS location given it is discovered from the issuer on
     * first use, so that a service starts even while the identity provider is still starting.
     */
    public static JwtDecoder decoder(String issuer, String jwkSetUri, List<String> audiences) {
        OAuth2TokenValidator<Jwt> validator = validator(issuer, audiences);
        if (jwkSetUri == null || jwkSetUri.isBlank()) {
            return new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder discovered = JwtDecoders.fromIssuerLocation(issuer);
                discovered.setJwtValidator(validator);
                return discovered;
            });
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
        decoder.setJwtValidator(validator);
        return decoder;
    }

    public static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
