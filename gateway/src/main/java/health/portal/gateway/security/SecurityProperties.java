package health.portal.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Identity provider and browser-session settings.
 *
 * @param issuerUri        the realm's issuer (tokens must carry exactly this {@code iss})
 * @param audience         the audience every API token must name
 * @param webClientId      the gateway's confidential client for browser sign-in
 * @param webClientSecret  its secret
 * @param afterLoginPath   where the browser lands after sign-in
 * @param afterLogoutPath  where Keycloak sends the browser after sign-out
 * @param idleTimeout      a browser session ends after this long without requests
 * @param absoluteTimeout  and in any case this long after sign-in
 * @param signInTimeout    how long a session that is not signed in yet may idle: it holds only the sign-in's own
 *                         state (the authorization request) while the person is at Keycloak's pages, and a sign-in
 *                         must not fail because typing the password took longer than the idle timeout
 */
@ConfigurationProperties("gateway.security")
public record SecurityProperties(
        String issuerUri,
        String audience,
        String webClientId,
        String webClientSecret,
        String afterLoginPath,
        String afterLogoutPath,
        Duration idleTimeout,
        Duration absoluteTimeout,
        Duration signInTimeout) {

    public SecurityProperties {
        issuerUri = issuerUri.endsWith("/") ? issuerUri.substring(0, issuerUri.length() - 1) : issuerUri;
        afterLoginPath = afterLoginPath == null ? "/" : afterLoginPath;
        afterLogoutPath = afterLogoutPath == null ? "/" : afterLogoutPath;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(15) : idleTimeout;
        absoluteTimeout = absoluteTimeout == null ? Duration.ofHours(8) : absoluteTimeout;
        signInTimeout = signInTimeout == null ? Duration.ofMinutes(10) : signInTimeout;
    }

    public String openIdConnectEndpoint(String name) {
        return issuerUri + "/protocol/openid-connect/" + name;
    }
}
