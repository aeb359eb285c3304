package health.portal.identity.keycloak;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code portal.keycloak.*}: where Keycloak is and the identity-service client that drives it. */
@ConfigurationProperties("portal.keycloak")
public record KeycloakProperties(String baseUrl, String realm, String clientId, String clientSecret) {}
