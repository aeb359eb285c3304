package health.portal.identity.keycloak;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code portal.keycloak.*}: where Keycloak is, the identity-service client that drives it, and how long an admin
 * call may take: {@code connect-timeout} to open a connection (also the wait for a free pooled one) and
 * {@code read-timeout} for each answer.
 */
@ConfigurationProperties("portal.keycloak")
public record KeycloakProperties(
        String baseUrl,
        String realm,
        String clientId,
        String clientSecret,
        Duration connectTimeout,
        Duration readTimeout) {

    public KeycloakProperties {
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(5) : readTimeout;
    }
}
