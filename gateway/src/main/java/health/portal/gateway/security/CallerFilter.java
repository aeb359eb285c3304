package health.portal.gateway.security;

import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Right after authentication: remembers who is calling, for the checks and the audit that follow. */
@Component
class CallerFilter implements WebFilter, Ordered {

    static final int ORDER = -90;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .filter(Authentication.class::isInstance)
                .map(principal -> Caller.from((Authentication) principal))
                .doOnNext(caller -> exchange.getAttributes().put(Caller.ATTRIBUTE, caller))
                .then(chain.filter(exchange));
    }

    @Override
    public int getOrder() {
        return ORDER; // after Spring Security (-100)
    }
}
