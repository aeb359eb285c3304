package health.portal.identity.keycloak;

import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(KeycloakProperties.class)
public class KeycloakConfig {

    /**
     * The admin client, signed in with the identity-service client's service account (client credentials). Its
     * token manager also supplies the service token for records-service (the account has realm role
     * {@code records-service}).
     */
    @Bean(destroyMethod = "close")
    Keycloak keycloakAdmin(KeycloakProperties properties) {
        return KeycloakBuilder.builder()
                .serverUrl(properties.baseUrl())
                .realm(properties.realm())
                .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .build();
    }
}
