package health.portal.billing.records;

import health.portal.platform.security.ServiceToken;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.URI;
import java.time.Clock;

/** billing-service's own token (client credentials of the {@code billing-service} client) for records-service. */
@Configuration(proxyBeanMethods = false)
class ServiceTokenConfiguration {

    @Bean
    ServiceToken serviceToken(
            @Value("${billing.keycloak.token-uri}") URI tokenUri,
            @Value("${billing.keycloak.client-id:billing-service}") String clientId,
            @Value("${billing.keycloak.client-secret}") String clientSecret,
            Clock clock) {
        return new ServiceToken(tokenUri, clientId, clientSecret, clock);
    }
}
