package health.portal.gateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.session.Session;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Ends the Keycloak (SSO) session behind a browser session when the gateway's session ends: idle timeout, absolute
 * timeout or sign-out. Otherwise Keycloak's own session cookie would outlive the portal's, and the next person at the
 * same computer who clicks "Sign in" would be let into the previous patient's record without a password.
 * <p>
 * Back channel, with the session's refresh token: {@code POST /protocol/openid-connect/logout} authenticated as
 * portal-web, which ends the user session the token belongs to (that device only, other sessions of the patient
 * stay). It cannot depend on the browser: after an idle timeout the browser makes no request at all.
 */
@Component
class KeycloakSessionEnd {

    private static final Logger log = LoggerFactory.getLogger(KeycloakSessionEnd.class);

    /** Where {@link WebSessionServerOAuth2AuthorizedClientRepository} keeps the session's tokens. */
    static final String AUTHORIZED_CLIENTS =
            WebSessionServerOAuth2AuthorizedClientRepository.class.getName() + ".AUTHORIZED_CLIENTS";

    private final SecurityProperties properties;

    private final WebClient http = WebClient.create();

    KeycloakSessionEnd(SecurityProperties properties) {
        this.properties = properties;
    }

    /** Spring Session heard Redis expire an idle session; the event carries its last contents. */
    @EventListener
    void onIdleTimeout(SessionExpiredEvent event) {
        Session session = event.getSession();
        Map<String, Object> attributes = new HashMap<>();
        for (String name : session.getAttributeNames()) {
            Object value = session.getAttribute(name);
            if (value != null) {
                attributes.put(name, value);
            }
        }
        end(attributes, "idle timeout").subscribe();
    }

    /**
     * Ends the Keycloak session of a gateway session's attributes. Never fails: the gateway session ends whatever
     * Keycloak answers (a Keycloak session already gone answers 400), and a failure is logged for the operators.
     */
    Mono<Void> end(Map<String, Object> attributes, String reason) {
        OAuth2RefreshToken refreshToken = refreshToken(attributes);
        if (refreshToken == null) {
            return Mono.empty();
        }
        return http.post()
                .uri(properties.openIdConnectEndpoint("logout"))
                .headers(headers -> headers.setBasicAuth(properties.webClientId(), properties.webClientSecret()))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("refresh_token", refreshToken.getTokenValue()))
                .exchangeToMono(response -> {
                    if (!response.statusCode().is2xxSuccessful()) {
                        log.info(
                                "Keycloak answered {} to ending the session after {} (already ended?)",
                                response.statusCode().value(),
                                reason);
                    }
                    return response.releaseBody();
                })
                .timeout(Duration.ofSeconds(10))
                .onErrorResume(ex -> {
                    log.warn("Could not end the Keycloak session after {}: {}", reason, ex.toString());
                    return Mono.empty();
                });
    }

    private static OAuth2RefreshToken refreshToken(Map<String, Object> attributes) {
        if (attributes.get(AUTHORIZED_CLIENTS) instanceof Map<?, ?> clients
                && clients.get(SecurityConfiguration.REGISTRATION_ID) instanceof OAuth2AuthorizedClient client) {
            return client.getRefreshToken();
        }
        return null;
    }
}
