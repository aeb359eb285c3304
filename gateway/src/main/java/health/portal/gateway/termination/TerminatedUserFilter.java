package health.portal.gateway.termination;

import health.portal.gateway.audit.SecurityEvents;
import health.portal.gateway.web.ClientAddress;
import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import health.portal.platform.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses users whose access was ended, even with an unexpired token; their browser session is ended too.
 * Fails closed: while the deny list is not known to be current (not loaded from Redis yet, or Redis away for longer
 * than its refresh allows), signed-in requests get 503 rather than unchecked access.
 */
@Component
class TerminatedUserFilter implements WebFilter, Ordered {

    private final DenyList denyList;

    private final SecurityEvents securityEvents;

    TerminatedUserFilter(DenyList denyList, SecurityEvents securityEvents) {
        this.denyList = denyList;
        this.securityEvents = securityEvents;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Caller caller = SignedInCaller.of(exchange);
        if (caller == null || caller.subject().isEmpty()) {
            return chain.filter(exchange);
        }
        java.util.Optional<Boolean> denied = denyList.isDenied(caller.subject());
        if (denied.isEmpty()) {
            return ReactiveProblems.write(
                    exchange,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    Problems.UNAVAILABLE,
                    "Service Unavailable",
                    "Please try again later.",
                    java.time.Duration.ofSeconds(30));
        }
        if (!denied.get()) {
            return chain.filter(exchange);
        }
        securityEvents.publish(
                SecurityEvents.TERMINATED_USER,
                ClientAddress.of(exchange),
                caller.subject(),
                exchange.getRequest().getPath().value(),
                1);
        Mono<Void> endSession = SignedInCaller.isBrowser(exchange)
                ? exchange.getSession().flatMap(session -> {
                    session.getAttributes().clear();
                    return session.invalidate();
                })
                : Mono.empty();
        return endSession.then(ReactiveProblems.write(
                exchange,
                HttpStatus.FORBIDDEN,
                "access-ended",
                "Access ended",
                "Access to the portal has been ended for this account.",
                null));
    }

    @Override
    public int getOrder() {
        return -80;
    }
}
