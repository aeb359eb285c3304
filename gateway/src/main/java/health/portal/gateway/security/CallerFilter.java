package health.portal.gateway.security;

import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Right after authentication: remembers who is calling (the platform's {@link Caller}, from the bearer token of a
 * mobile app or the ID token of a browser session) for the checks and the audit that follow.
 */
@Component
class CallerFilter implements WebFilter, Ordered {

    static final int ORDER = -90;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .filter(Authentication.class::isInstance)
                .doOnNext(principal -> remember(exchange, (Authentication) principal))
                .then(chain.filter(exchange));
    }

    private static void remember(ServerWebExchange exchange, Authentication authentication) {
        if (authentication instanceof JwtAuthenticationToken jwt) {
            SignedInCaller.remember(exchange, Caller.of(jwt.getToken()), false);
        } else if (authentication instanceof OAuth2AuthenticationToken oauth
                && oauth.getPrincipal() instanceof OidcUser user) {
            SignedInCaller.remember(exchange, Caller.fromClaims(user.getClaims()), true);
        }
    }

    @Override
    public int getOrder() {
        return ORDER; // after Spring Security (-100)
    }
}
