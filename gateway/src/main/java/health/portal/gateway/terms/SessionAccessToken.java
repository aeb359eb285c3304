package health.portal.gateway.terms;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

import java.util.Map;

/** A browser session's access token: its claims for the terms check, and a refresh on demand after an acceptance. */
@Component
class SessionAccessToken {

    private final ReactiveOAuth2AuthorizedClientManager authorizedClients;
    private final ServerOAuth2AuthorizedClientRepository repository;
    private final ReactiveJwtDecoder jwtDecoder;
    private final ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> refreshClient =
            new WebClientReactiveRefreshTokenTokenResponseClient();

    SessionAccessToken(
            ReactiveOAuth2AuthorizedClientManager authorizedClients,
            ServerOAuth2AuthorizedClientRepository repository,
            ReactiveJwtDecoder jwtDecoder) {
        this.authorizedClients = authorizedClients;
        this.repository = repository;
        this.jwtDecoder = jwtDecoder;
    }

    /** The verified claims of the session's access token (refreshed when near expiry); empty when there is none. */
    Mono<Map<String, Object>> claims(ServerWebExchange exchange) {
        return session(exchange)
                .flatMap(session -> authorizedClients.authorize(
                        OAuth2AuthorizeRequest.withClientRegistrationId(session.getAuthorizedClientRegistrationId())
                                .principal(session)
                                .attribute(ServerWebExchange.class.getName(), exchange)
                                .build()))
                .flatMap(client -> jwtDecoder.decode(client.getAccessToken().getTokenValue()))
                .map(Jwt::getClaims)
                .onErrorResume(ex -> Mono.empty());
    }

    /**
     * Refreshes the session's tokens now, whatever their expiry, so that the next request carries what Keycloak
     * issues today (a terms version just accepted), and saves the session before the response is sent.
     */
    Mono<Void> refreshNow(ServerWebExchange exchange) {
        return session(exchange)
                .flatMap(session -> repository
                        .<OAuth2AuthorizedClient>loadAuthorizedClient(
                                session.getAuthorizedClientRegistrationId(), session, exchange)
                        .filter(client -> client.getRefreshToken() != null)
                        .flatMap(client -> refreshClient
                                .getTokenResponse(new OAuth2RefreshTokenGrantRequest(
                                        client.getClientRegistration(),
                                        client.getAccessToken(),
                                        client.getRefreshToken()))
                                .map(response -> refreshed(client, response)))
                        .flatMap(client -> repository.saveAuthorizedClient(client, session, exchange)))
                .then(exchange.getSession().flatMap(WebSession::save));
    }

    private static OAuth2AuthorizedClient refreshed(OAuth2AuthorizedClient old, OAuth2AccessTokenResponse response) {
        return new OAuth2AuthorizedClient(
                old.getClientRegistration(),
                old.getPrincipalName(),
                response.getAccessToken(),
                response.getRefreshToken() != null ? response.getRefreshToken() : old.getRefreshToken());
    }

    private static Mono<OAuth2AuthenticationToken> session(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .filter(OAuth2AuthenticationToken.class::isInstance)
                .cast(OAuth2AuthenticationToken.class);
    }
}
