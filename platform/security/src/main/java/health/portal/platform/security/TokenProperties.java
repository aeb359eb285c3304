package health.portal.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * The resource-server settings every service already names with Spring's keys
 * ({@code spring.security.oauth2.resourceserver.jwt.*}), read here so that the audience is never forgotten.
 *
 * @param issuerUri the realm's issuer; tokens must carry exactly this {@code iss}
 * @param jwkSetUri the realm's keys; when blank they are discovered from the issuer on first use
 * @param audiences accepted audiences; {@value PortalTokens#DEFAULT_AUDIENCE} when none are given
 */
@ConfigurationProperties("spring.security.oauth2.resourceserver.jwt")
public record TokenProperties(String issuerUri, String jwkSetUri, List<String> audiences) {}
