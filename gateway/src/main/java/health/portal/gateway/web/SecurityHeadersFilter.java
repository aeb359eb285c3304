package health.portal.gateway.web;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * First filter of every request: the headers are written just before the response is committed, so they are on
 * every response, whoever produced it (a downstream service, a filter refusing the request, the error handler).
 */
@Component
public class SecurityHeadersFilter implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpResponse response = exchange.getResponse();
        // the scheme, not getSslInfo(): that reads the client certificate chain, and a client without one (every
        // browser and app here) makes the JDK throw and catch an exception on every request
        boolean secure = "https".equals(exchange.getRequest().getURI().getScheme());
        response.beforeCommit(() -> {
            SecurityHeaders.apply(response.getHeaders(), secure);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
