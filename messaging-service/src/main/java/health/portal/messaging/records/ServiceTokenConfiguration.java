package health.portal.messaging.records;

import health.portal.platform.security.ServiceToken;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.URI;
import java.time.Clock;

/** messaging-service's own token (client credentials of the {@code messaging-service} client) for records-service and identity-service's notice addresses. */
@Configuration(proxyBeanMethods = false)
class ServiceTokenConfiguration {

    @Bean
    ServiceToken serviceToken(
            @Value("${portal.messaging.keycloak.token-uri}") URI tokenUri,
            @Value("${portal.messaging.keycloak.client-id:messaging-service}") String clientId,
            @Value("${portal.messaging.keycloak.client-secret}") String clientSecret,
            Clock clock) {
        return new ServiceToken(tokenUri, clientId, clientSecret, clock);
    }
}
