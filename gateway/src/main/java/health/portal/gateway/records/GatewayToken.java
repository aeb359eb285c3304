package health.portal.gateway.records;

import health.portal.gateway.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * The gateway's own access token (client credentials of its client, which holds no role), sent beside the user's
 * token so that records-service takes the end user's address and device from the gateway and from nobody else.
 * Cached until shortly before it expires.
 */
@Component
class GatewayToken {

    private static final Logger log = LoggerFactory.getLogger(GatewayToken.class);
    private static final String REGISTRATION_ID = "gateway";

    private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;

    GatewayToken(SecurityProperties properties) {
        ClientRegistration gateway = ClientRegistration.withRegistrationId(REGISTRATION_ID)
                .clientId(properties.webClientId())
                .clientSecret(properties.webClientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(properties.openIdConnectEndpoint("token"))
                .build();
        InMemoryReactiveClientRegistrationRepository registrations =
                new InMemoryReactiveClientRegistrationRepository(gateway);
        ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider =
                new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
        provider.setClockSkew(Duration.ofSeconds(30));
        manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(
                registrations, new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(provider);
    }

    /**
     * The token, or empty while the identity provider cannot issue one: the records call then goes ahead without
     * it and the access log shows the gateway's address instead of the user's, rather than the patient losing access.
     */
    Mono<String> token() {
        return manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID)
                        .principal(REGISTRATION_ID)
                        .build())
                .map(client -> client.getAccessToken().getTokenValue())
                .onErrorResume(e -> {
                    log.warn(
                            "No gateway token for records calls ({})",
                            e.getClass().getSimpleName());
                    return Mono.empty();
                });
    }
}
