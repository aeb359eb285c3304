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
 * Limits per signed-in user (token subject), whichever device or address the requests come from. The request was
 * normally counted already, in the same Redis round trip as the address limits; only a caller that step did not see
 * is counted here.
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
        UserCount counted = UserCount.of(exchange, caller.subject());
        Mono<RateLimits.Verdict> verdict = counted != null
                ? Mono.just(counted.verdict())
                : limits.count(List.of(new RateLimits.Bucket(
                        RateLimits.USER, caller.subject(), limits.properties().perUser())));
        return verdict.flatMap(v -> v.allowed() ? chain.filter(exchange) : limits.refuse(exchange, v));
    }

    @Override
    public int getOrder() {
        return -70; // after the caller is known and terminated users are refused
    }
}
