package health.portal.gateway.ratelimit;

import health.portal.gateway.security.ManagementPort;
import health.portal.gateway.web.ClientAddress;
import health.portal.platform.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
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
        return signedInSubject(exchange).flatMap(subject -> {
            List<RateLimits.Bucket> buckets = new ArrayList<>(3);
            if (SIGN_IN_START.matches(path) || SIGN_IN_CALLBACK.matches(path)) {
                buckets.add(new RateLimits.Bucket("address", address, properties.perAddress()));
                buckets.add(new RateLimits.Bucket("sign-in", address, properties.signIn()));
            } else if (ENROLLMENT.matches(path)) {
                buckets.add(new RateLimits.Bucket("address", address, properties.perAddress()));
                buckets.add(new RateLimits.Bucket("enrollment", address, properties.enrollment()));
            } else if (subject.isEmpty()) {
                buckets.add(new RateLimits.Bucket("address", address, properties.perAddress()));
            }
            // The user's own counter goes into the same round trip; its verdict waits for UserRateLimitFilter, which
            // applies it once authentication has confirmed the user and terminated users have been refused.
            if (!subject.isEmpty()) {
                buckets.add(new RateLimits.Bucket(RateLimits.USER, subject, properties.perUser()));
            }
            return limits.count(buckets).flatMap(verdict -> {
                if (!verdict.allowed()
                        && !RateLimits.USER.equals(verdict.refused().name())) {
                    return limits.refuse(exchange, verdict);
                }
                if (!subject.isEmpty()) {
                    UserCount.remember(exchange, subject, verdict);
                }
                return chain.filter(exchange);
            });
        });
    }

    /**
     * The subject of the credential the request carries if it will pass authentication, empty otherwise. The token is
     * verified here as the resource server will (verified tokens are cached), the session is the one the security
     * chain reads next (WebFlux loads it once per request).
     */
    private Mono<String> signedInSubject(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Mono.just("");
            }
            return jwtDecoder
                    .decode(authorization.substring(BEARER.length()).trim())
                    .map(jwt -> Caller.of(jwt).subject())
                    .onErrorReturn("");
        }
        if (exchange.getRequest().getCookies().isEmpty()) {
            return Mono.just("");
        }
        return exchange.getSession()
                .map(session -> subjectOf(session.getAttribute(
                        WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME)))
                .onErrorReturn("");
    }

    /** As CallerFilter reads a browser session's caller: the ID token's claims. */
    private static String subjectOf(Object context) {
        if (context instanceof SecurityContext security
                && security.getAuthentication() instanceof OAuth2AuthenticationToken oauth
                && oauth.getPrincipal() instanceof OidcUser user) {
            String subject = Caller.fromClaims(user.getClaims()).subject();
            return subject == null ? "" : subject;
        }
        return "";
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
