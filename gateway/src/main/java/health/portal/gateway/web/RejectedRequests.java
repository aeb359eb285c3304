package health.portal.gateway.web;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.Set;

/**
 * Spring Security's firewall refuses paths that could be read two ways (encoded slashes, {@code ..}, {@code //}); its
 * own answer is a bare 400. This one is a problem (405 for methods it does not take); the security headers come from {@link SecurityHeadersFilter}.
 */
@Component
class RejectedRequests implements ServerExchangeRejectedHandler {

    /** The firewall's default list: TRACE (cross-site tracing) and made-up methods are refused. */
    private static final Set<HttpMethod> ACCEPTED = Set.of(
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.POST,
            HttpMethod.PUT,
            HttpMethod.PATCH,
            HttpMethod.DELETE,
            HttpMethod.OPTIONS);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        if (!ACCEPTED.contains(exchange.getRequest().getMethod())) {
            HttpHeaders allow = new HttpHeaders();
            allow.setAllow(ACCEPTED);
            return ReactiveProblems.write(
                    exchange,
                    Problems.problem(
                            HttpStatus.METHOD_NOT_ALLOWED,
                            Problems.METHOD_NOT_ALLOWED,
                            "Method Not Allowed",
                            "This method is not supported here."),
                    allow);
        }
        return ReactiveProblems.write(
                exchange,
                HttpStatus.BAD_REQUEST,
                Problems.BAD_REQUEST,
                "Bad Request",
                "The request's path is not accepted.",
                null);
    }
}
