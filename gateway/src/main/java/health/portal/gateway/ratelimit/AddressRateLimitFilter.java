package health.portal.gateway.ratelimit;

import health.portal.gateway.security.ManagementPort;
import health.portal.gateway.web.ClientAddress;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Limits per client address, before authentication (so that floods of bad tokens are limited too), with
 * stricter limits on sign-in and enrollment. Health checks and the internal management port are not limited.
 */
@Component
class AddressRateLimitFilter implements WebFilter, Ordered {

    private static final PathPattern HEALTH = PathPatternParser.defaultInstance.parse("/actuator/health/**");

    private static final PathPattern SIGN_IN_START = PathPatternParser.defaultInstance.parse("/oauth2/**");

    private static final PathPattern SIGN_IN_CALLBACK = PathPatternParser.defaultInstance.parse("/login/**");

    private static final PathPattern ENROLLMENT = PathPatternParser.defaultInstance.parse("/api/enrollment/**");

    private final RateLimits limits;

    private final ManagementPort managementPort;

    AddressRateLimitFilter(RateLimits limits, ManagementPort managementPort) {
        this.limits = limits;
        this.managementPort = managementPort;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!limits.enabled() || HEALTH.matches(path) || managementPort.matches(exchange)) {
            return chain.filter(exchange);
        }
        String address = ClientAddress.of(exchange);
        RateLimitProperties properties = limits.properties();
        Mono<Boolean> allowed = limits.check(exchange, "address", address, properties.perAddress());
        if (SIGN_IN_START.matches(path) || SIGN_IN_CALLBACK.matches(path)) {
            allowed = allowed.flatMap(
                    ok -> ok ? limits.check(exchange, "sign-in", address, properties.signIn()) : Mono.just(false));
        } else if (ENROLLMENT.matches(path)) {
            allowed = allowed.flatMap(ok ->
                    ok ? limits.check(exchange, "enrollment", address, properties.enrollment()) : Mono.just(false));
        }
        return RateLimits.continueIf(allowed, exchange, chain);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
