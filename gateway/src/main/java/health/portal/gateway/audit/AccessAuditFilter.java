package health.portal.gateway.audit;

import health.portal.gateway.web.ClientAddress;
import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Topics;
import health.portal.platform.security.Caller;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.Outcome;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * One AuditEvent per API request (who, which patient, which route, outcome), taken when the response is
 * committed so that refusals (401, 403, 429, 503) are audited too. No bodies, no query strings. The record goes
 * into the {@link AuditBuffer}, which delivers it to Kafka without holding up the response.
 * Also feeds the 401/403 burst detection.
 */
@Component
class AccessAuditFilter implements WebFilter, Ordered {

    private final DirectEventPublisher events;

    private final AuditBuffer buffer;

    private final SecurityEvents securityEvents;

    AccessAuditFilter(DirectEventPublisher events, AuditBuffer buffer, SecurityEvents securityEvents) {
        this.events = events;
        this.buffer = buffer;
        this.securityEvents = securityEvents;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        boolean api = path.startsWith("/api/");
        ServerHttpResponse response = exchange.getResponse();
        response.beforeCommit(() -> {
            HttpStatusCode status =
                    response.getStatusCode() == null ? HttpStatusCode.valueOf(200) : response.getStatusCode();
            Caller caller = SignedInCaller.of(exchange);
            String route = route(exchange);
            Mono<Void> burst = status.value() == 401 || status.value() == 403
                    ? securityEvents.recordAuthFailure(
                            status.value(), ClientAddress.of(exchange), caller == null ? "" : caller.subject(), route)
                    : Mono.empty();
            if (api) {
                String patientId = caller == null ? "" : caller.patientId();
                buffer.offer(
                        Topics.AUDIT_EVENTS,
                        patientId,
                        events.envelope(
                                audit(exchange, caller, route, status),
                                patientId,
                                exchange.getRequest().getId()));
            }
            return burst;
        });
        return chain.filter(exchange);
    }

    private static AuditEvent audit(ServerWebExchange exchange, Caller caller, String route, HttpStatusCode status) {
        String userAgent = exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT);
        return AuditEvent.newBuilder()
                .setActorId(caller == null ? "" : caller.subject())
                .setActorType(caller == null ? ActorType.ANONYMOUS : caller.actorType())
                .setPatientId(caller == null ? "" : caller.patientId())
                .setAction(exchange.getRequest().getMethod().name() + " " + route)
                .setResource(route)
                .setOutcome(outcome(status))
                .setClientIp(ClientAddress.of(exchange))
                .setUserAgent(userAgent == null ? "" : userAgent.substring(0, Math.min(200, userAgent.length())))
                .setDetail(Integer.toString(status.value()))
                .build();
    }

    static Outcome outcome(HttpStatusCode status) {
        int code = status.value();
        if (code < 400) {
            return Outcome.SUCCESS;
        }
        if (code == 401 || code == 403 || code == 429) {
            return Outcome.DENIED;
        }
        return Outcome.FAILED;
    }

    /**
     * The route id (gateway routes), the handler's path pattern (the gateway's own API), or for requests refused
     * before routing the path (identifiers at most; never the query string).
     */
    static String route(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route != null) {
            return route.getId();
        }
        PathPattern pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern != null
                ? pattern.getPatternString()
                : exchange.getRequest().getPath().value();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }
}
