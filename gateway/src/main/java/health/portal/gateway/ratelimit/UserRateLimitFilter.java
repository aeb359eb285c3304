package health.portal.gateway.ratelimit;

import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Limits per signed-in user (token subject), whichever device or address the requests come from. */
@Component
class UserRateLimitFilter implements WebFilter, Ordered {

    private final RateLimits limits;

    UserRateLimitFilter(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Caller caller = SignedInCaller.of(exchange);
        if (!limits.enabled() || caller == null || caller.subject().isEmpty()) {
            return chain.filter(exchange);
        }
        return RateLimits.continueIf(
                limits.check(
                        exchange, "user", caller.subject(), limits.properties().perUser()),
                exchange,
                chain);
    }

    @Override
    public int getOrder() {
        return -70; // after the caller is known and terminated users are refused
    }
}
