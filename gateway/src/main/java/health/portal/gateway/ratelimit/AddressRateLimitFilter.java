package health.portal.gateway.ratelimit;

import health.portal.gateway.security.ManagementPort;
import health.portal.gateway.web.ClientAddress;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;

/**
 * Limits per client address for everyone who is not signed in: sign-in, enrollment (both stricter), the public pages,
 * and requests whose token or session is not valid, so that floods of bad tokens are limited too. Signed-in traffic (a
 * valid bearer token, or a session holding a sign-in) is limited per user instead ({@link UserRateLimitFilter}): many
 * patients behind one hospital or carrier NAT share one address and must not lock each other out. Runs before
 * authentication, so it checks the credential itself; health checks and the management port are not limited.
 */
@Component
class AddressRateLimitFilter implements WebFilter, Ordered {

    private static final PathPattern HEALTH = PathPatternParser.defaultInstance.parse("/actuator/health/**");

    private static final PathPattern SIGN_IN_START = PathPatternParser.defaultInstance.parse("/oauth2/**");

    private static final PathPattern SIGN_IN_CALLBACK = PathPatternParser.defaultInstance.parse("/login/**");

    private static final PathPattern ENROLLMENT = PathPatternParser.defaultInstance.parse("/api/enrollment/**");

    private static final String BEARER = "Bearer ";

    private final RateLimits limits;

    private final ManagementPort managementPort;

    private final ReactiveJwtDecoder jwtDecoder;

    AddressRateLimitFilter(RateLimits limits, ManagementPort managementPort, ReactiveJwtDecoder jwtDecoder) {
        this.limits = limits;
        this.managementPort = managementPort;
        this.jwtDecoder = jwtDecoder;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (!limits.enabled() || HEALTH.matches(path) || managementPort.matches(exchange)) {
            return chain.filter(exchange);
        }
        String address = ClientAddress.of(exchange);
        RateLimitProperties properties = limits.properties();
        List<RateLimits.Bucket> buckets = new ArrayList<>(2);
        if (SIGN_IN_START.matches(path) || SIGN_IN_CALLBACK.matches(path)) {
            buckets.add(new RateLimits.Bucket("address", address, properties.perAddress()));
            buckets.add(new RateLimits.Bucket("sign-in", address, properties.signIn()));
        } else if (ENROLLMENT.matches(path)) {
            buckets.add(new RateLimits.Bucket("address", address, properties.perAddress()));
            buckets.add(new RateLimits.Bucket("enrollment", address, properties.enrollment()));
        } else {
            // signed-in traffic is counted per user once authentication has confirmed it (UserRateLimitFilter), so
            // that a request the security chain answers itself (sign-out, a refused CSRF token) counts nowhere, as
            // before; either way a request pays one round trip for its counters
            return signedIn(exchange)
                    .flatMap(signedIn -> signedIn
                            ? chain.filter(exchange)
                            : allowOrRefuse(
                                    exchange,
                                    chain,
                                    List.of(new RateLimits.Bucket("address", address, properties.perAddress()))));
        }
        return allowOrRefuse(exchange, chain, buckets);
    }

    private Mono<Void> allowOrRefuse(
            ServerWebExchange exchange, WebFilterChain chain, List<RateLimits.Bucket> buckets) {
        return limits.count(buckets)
                .flatMap(verdict -> verdict.allowed() ? chain.filter(exchange) : limits.refuse(exchange, verdict));
    }

    /**
     * Whether the request carries a credential that will pass authentication. The token is verified here as the
     * resource server will (verified tokens are cached), the session is the one the security chain reads next (WebFlux
     * loads it once per request).
     */
    private Mono<Boolean> signedIn(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Mono.just(false);
            }
            return jwtDecoder
                    .decode(authorization.substring(BEARER.length()).trim())
                    .map(jwt -> true)
                    .onErrorReturn(false);
        }
        if (exchange.getRequest().getCookies().isEmpty()) {
            return Mono.just(false);
        }
        return exchange.getSession()
                .map(session -> session.getAttribute(
                                WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME)
                        != null)
                .onErrorReturn(false);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
