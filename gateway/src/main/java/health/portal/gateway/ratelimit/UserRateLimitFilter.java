package health.portal.gateway.ratelimit;

import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Limits per signed-in user (token subject), whichever device or address the requests come from. For signed-in
 * traffic this is the request's one Redis round trip: {@link AddressRateLimitFilter} counts nothing for it (except on
 * the sign-in and enrollment paths, whose address limits apply to everyone).
 */
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
        return limits.count(List.of(new RateLimits.Bucket(
                        RateLimits.USER, caller.subject(), limits.properties().perUser())))
                .flatMap(verdict -> verdict.allowed() ? chain.filter(exchange) : limits.refuse(exchange, verdict));
    }

    @Override
    public int getOrder() {
        return -70; // after the caller is known and terminated users are refused
    }
}
