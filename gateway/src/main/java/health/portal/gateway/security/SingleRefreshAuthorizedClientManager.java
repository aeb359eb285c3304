package health.portal.gateway.security;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out a browser session's access token and refreshes it once, however many of the session's requests ask at
 * the same moment. Keycloak rotates refresh tokens and allows no reuse (the realm's revokeRefreshToken with
 * refreshTokenMaxReuse 0): the portal page sends its requests in parallel, and near a token's expiry each of them
 * would refresh with the same refresh token; the second use counts as a stolen token, Keycloak drops the session's
 * client ("Session doesn't have required client" from then on) and the patient is signed out in the middle of the
 * page. Here the first request of this gateway spends the refresh token and the others take its result, including
 * requests that loaded the session before the new tokens were saved to it; each saves the result to its own copy of
 * the session, so whichever is stored last holds the new tokens.
 */
final class SingleRefreshAuthorizedClientManager implements ReactiveOAuth2AuthorizedClientManager {

    /** How long a refresh's result answers for the refresh token it spent: longer than any request that raced it. */
    private static final Duration REMEMBERED = Duration.ofMinutes(2);

    private final ReactiveOAuth2AuthorizedClientManager delegate;
    private final ServerOAuth2AuthorizedClientRepository repository;
    private final Duration refreshMargin;
    private final Clock clock;
    private final Map<String, Refresh> refreshes = new ConcurrentHashMap<>();

    private record Refresh(Instant started, Mono<OAuth2AuthorizedClient> result) {}

    SingleRefreshAuthorizedClientManager(
            ReactiveOAuth2AuthorizedClientManager delegate,
            ServerOAuth2AuthorizedClientRepository repository,
            Duration refreshMargin,
            Clock clock) {
        this.delegate = delegate;
        this.repository = repository;
        this.refreshMargin = refreshMargin;
        this.clock = clock;
    }

    @Override
    public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizeRequest request) {
        return exchange(request)
                .flatMap(exchange -> current(request, exchange)
                        .filter(this::dueForRefresh)
                        .flatMap(client -> refreshOnce(request, client, exchange)))
                .switchIfEmpty(Mono.defer(() -> delegate.authorize(request)));
    }

    private Mono<OAuth2AuthorizedClient> refreshOnce(
            OAuth2AuthorizeRequest request, OAuth2AuthorizedClient client, ServerWebExchange exchange) {
        forgetOldRefreshes();
        Refresh refresh = refreshes.computeIfAbsent(
                client.getRefreshToken().getTokenValue(),
                spent -> new Refresh(
                        clock.instant(),
                        delegate.authorize(OAuth2AuthorizeRequest.withAuthorizedClient(client)
                                        .principal(request.getPrincipal())
                                        .attributes(attributes -> {
                                            attributes.putAll(request.getAttributes());
                                            attributes.put(ServerWebExchange.class.getName(), exchange);
                                        })
                                        .build())
                                .cache()));
        return refresh.result()
                .flatMap(refreshed -> repository
                        .saveAuthorizedClient(refreshed, request.getPrincipal(), exchange)
                        .thenReturn(refreshed));
    }

    private Mono<ServerWebExchange> exchange(OAuth2AuthorizeRequest request) {
        ServerWebExchange exchange = request.getAttribute(ServerWebExchange.class.getName());
        return exchange != null
                ? Mono.just(exchange)
                : Mono.deferContextual(context -> Mono.justOrEmpty(context.getOrEmpty(ServerWebExchange.class)));
    }

    private Mono<OAuth2AuthorizedClient> current(OAuth2AuthorizeRequest request, ServerWebExchange exchange) {
        return request.getAuthorizedClient() != null
                ? Mono.just(request.getAuthorizedClient())
                : repository.loadAuthorizedClient(request.getClientRegistrationId(), request.getPrincipal(), exchange);
    }

    /** As the refresh-token provider decides: a refresh token, and an access token that expires within the margin. */
    private boolean dueForRefresh(OAuth2AuthorizedClient client) {
        Instant expiresAt = client.getAccessToken().getExpiresAt();
        return client.getRefreshToken() != null
                && expiresAt != null
                && !clock.instant().isBefore(expiresAt.minus(refreshMargin));
    }

    private void forgetOldRefreshes() {
        Instant horizon = clock.instant().minus(REMEMBERED);
        refreshes.values().removeIf(refresh -> refresh.started().isBefore(horizon));
    }
}
