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
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Applies the limits of a request: counts it in every counter that applies, in one Redis round trip, and past a limit
 * answers 429 with Retry-After.
 */
@Component
class RateLimits {

    static final String USER = "user";

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

    /** One counter: {@code bucket} names the limit (address, sign-in, enrollment, user), {@code key} whom it counts. */
    record Bucket(String name, String key, int limit) {}

    /** The outcome of counting: the bucket past its limit (null for none) with its count. */
    record Verdict(Bucket refused, FixedWindowCounter.Count count) {

        static final Verdict ALLOWED = new Verdict(null, null);

        boolean allowed() {
            return refused == null;
        }
    }

    /**
     * Counts the request in the buckets in turn until one is past its limit (later ones are not counted, as when each
     * was checked on its own). Buckets without a limit ({@code <= 0}) are not counted. Redis trouble must not take the
     * portal down: the request is then allowed (with a warning), and the limits resume when Redis is back.
     */
    Mono<Verdict> count(List<Bucket> buckets) {
        List<Bucket> limited =
                buckets.stream().filter(bucket -> bucket.limit() > 0).toList();
        if (limited.isEmpty()) {
            return Mono.just(Verdict.ALLOWED);
        }
        return counter.incrementUntilOver(
                        limited.stream()
                                .map(bucket -> "rl:" + bucket.name() + ":" + bucket.key())
                                .toList(),
                        limited.stream().map(Bucket::limit).toList(),
                        properties.window())
                .map(over -> over.any() ? new Verdict(limited.get(over.index()), over.count()) : Verdict.ALLOWED)
                .defaultIfEmpty(Verdict.ALLOWED)
                .onErrorResume(ex -> {
                    log.warn(
                            "Rate limit {} not checked: {}",
                            String.join(",", limited.stream().map(Bucket::name).toList()),
                            ex.toString());
                    return Mono.just(Verdict.ALLOWED);
                });
    }

    /** Answers 429 for a refused verdict; the first refusal per window and key is reported as a security event. */
    Mono<Void> refuse(ServerWebExchange exchange, Verdict verdict) {
        if (verdict.count().value() == verdict.refused().limit() + 1) { // once per window and key, not every refusal
            Caller caller = SignedInCaller.of(exchange);
            securityEvents.publish(
                    SecurityEvents.RATE_LIMITED,
                    ClientAddress.of(exchange),
                    caller == null ? "" : caller.subject(),
                    verdict.refused().name(),
                    (int) verdict.count().value());
        }
        return ReactiveProblems.write(
                exchange,
                HttpStatus.TOO_MANY_REQUESTS,
                Problems.RATE_LIMITED,
                "Too Many Requests",
                "Too many requests. Please wait before trying again.",
                verdict.count().remaining());
    }
}
