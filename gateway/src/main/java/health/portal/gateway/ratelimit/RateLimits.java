package health.portal.gateway.ratelimit;

import health.portal.gateway.audit.SecurityEvents;
import health.portal.gateway.web.ClientAddress;
import health.portal.gateway.web.FixedWindowCounter;
import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import health.portal.platform.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Applies one limit: counts the request, and past the limit answers 429 with Retry-After. */
@Component
class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

    private final FixedWindowCounter counter;

    private final RateLimitProperties properties;

    private final SecurityEvents securityEvents;

    RateLimits(FixedWindowCounter counter, RateLimitProperties properties, SecurityEvents securityEvents) {
        this.counter = counter;
        this.properties = properties;
        this.securityEvents = securityEvents;
    }

    boolean enabled() {
        return properties.enabled();
    }

    RateLimitProperties properties() {
        return properties;
    }

    /**
     * @return empty when the request may go on; otherwise the 429 response has been written
     */
    Mono<Boolean> check(ServerWebExchange exchange, String bucket, String key, int limit) {
        if (limit <= 0) {
            return Mono.just(true);
        }
        return counter.increment("rl:" + bucket + ":" + key, properties.window())
                .flatMap(count -> {
                    if (count.value() <= limit) {
                        return Mono.just(true);
                    }
                    if (count.value() == limit + 1) { // report once per window and key, not on every refusal
                        Caller caller = SignedInCaller.of(exchange);
                        securityEvents.publish(
                                SecurityEvents.RATE_LIMITED,
                                ClientAddress.of(exchange),
                                caller == null ? "" : caller.subject(),
                                bucket,
                                (int) count.value());
                    }
                    return ReactiveProblems.write(
                                    exchange,
                                    HttpStatus.TOO_MANY_REQUESTS,
                                    Problems.RATE_LIMITED,
                                    "Too Many Requests",
                                    "Too many requests. Please wait before trying again.",
                                    count.remaining())
                            .thenReturn(false);
                })
                .onErrorResume(ex -> {
                    // Redis trouble must not take the portal down; limits resume when Redis is back.
                    log.warn("Rate limit {} not checked: {}", bucket, ex.toString());
                    return Mono.just(true);
                });
    }

    static Mono<Void> continueIf(Mono<Boolean> allowed, ServerWebExchange exchange, WebFilterChain chain) {
        return allowed.flatMap(ok -> ok ? chain.filter(exchange) : Mono.empty());
    }
}
