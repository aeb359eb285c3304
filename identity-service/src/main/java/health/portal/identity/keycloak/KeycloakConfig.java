package health.portal.identity.keycloak;

import jakarta.ws.rs.client.Client;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.JacksonProvider;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.spi.ResteasyClientClassicProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.TimeUnit;

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
        return adminClient(properties);
    }

    /** The same client for other properties, e.g. a second Keycloak (tests point one at a server that hangs). */
    public static Keycloak adminClient(KeycloakProperties properties) {
        return KeycloakBuilder.builder()
                .serverUrl(properties.baseUrl())
                .realm(properties.realm())
                .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .resteasyClient(httpClient(properties))
                .build();
    }

    /**
     * The admin client's default RESTEasy client waits for ever: a Keycloak that accepts connections and never
     * answers would hold an enrollment request, and with it a database connection, without end. This is that
     * default client (the provider's builder with its pool and stream reader, Keycloak's Jackson provider) with
     * timeouts; the token requests go through it too.
     */
    static Client httpClient(KeycloakProperties properties) {
        long connect = properties.connectTimeout().toMillis();
        return ResteasyClientClassicProvider.createClientBuilder()
                .register(JacksonProvider.class, 100)
                .connectTimeout(connect, TimeUnit.MILLISECONDS)
                .connectionCheckoutTimeout(connect, TimeUnit.MILLISECONDS)
                .readTimeout(properties.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build();
    }
}
