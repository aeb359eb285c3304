package health.portal.gateway.terms;

import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import health.portal.platform.security.Caller;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.platform.security.terms.TermsRule;
import health.portal.proto.events.v1.ActorType;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Set;

/**
 * A signed-in patient gets nothing but what they need to read and accept the current terms of use, or to leave,
 * until their token carries the current version ({@link TermsRule}). What is exempt is listed here; every other
 * route, today's and any added later, is refused with 403 {@code terms-acceptance-required} naming the version. While
 * the current version is not known yet (not read from identity-service's topic), patients get 503, never data.
 *
 * <p>A browser's claim is read from the session's access token (refreshed when near expiry, as the relay does), not
 * from the ID token of the sign-in, which does not change when the tokens are refreshed after an acceptance.
 */
@Component
class TermsAcceptanceFilter implements WebFilter, Ordered {

    /** Exempt whatever the method. */
    private static final List<PathPattern> EXEMPT = patterns(
            // reading and accepting the terms
            TermsRule.ACCEPTANCE_PATH,
            "/api/terms",
            "/api/terms/**",
            "/api/enrollment",
            "/api/enrollment/**",
            // signing in and out, and the session's own state (CSRF token)
            "/oauth2/**",
            "/login/**",
            "/logout",
            "/auth/session",
            "/v3/api-docs",
            "/v3/api-docs/**",
            "/actuator/health",
            "/actuator/health/**");

    /** Exempt for reading only: who am I and what must I accept ({@code GET /api/me}), and the page itself. */
    private static final List<PathPattern> EXEMPT_TO_READ =
            patterns("/api/me", "/", "/index.html", "/portal/**", "/favicon.ico");

    private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final CurrentTerms current;
    private final SessionAccessToken sessionTokens;

    TermsAcceptanceFilter(CurrentTerms current, SessionAccessToken sessionTokens) {
        this.current = current;
        this.sessionTokens = sessionTokens;
    }

    private static List<PathPattern> patterns(String... patterns) {
        PathPatternParser parser = PathPatternParser.defaultInstance;
        return java.util.Arrays.stream(patterns).map(parser::parse).toList();
    }

    static boolean exempt(HttpMethod method, PathContainer path) {
        return EXEMPT.stream().anyMatch(p -> p.matches(path))
                || (READ.contains(method) && EXEMPT_TO_READ.stream().anyMatch(p -> p.matches(path)));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Caller signedIn = SignedInCaller.of(exchange);
        if (signedIn == null
                || signedIn.actorType() != ActorType.PATIENT
                || exempt(
                        exchange.getRequest().getMethod(),
                        exchange.getRequest().getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        Mono<Caller> caller = SignedInCaller.isBrowser(exchange)
                ? sessionTokens.claims(exchange).map(Caller::fromClaims)
                : Mono.just(signedIn);
        return caller.map(c -> TermsRule.check(c, current))
                .defaultIfEmpty(new TermsRule.Verdict(TermsRule.Outcome.ACCEPTANCE_REQUIRED, null))
                .flatMap(verdict -> switch (verdict.outcome()) {
                    case PASSES -> chain.filter(exchange);
                    case ACCEPTANCE_REQUIRED ->
                        verdict.currentVersion() == null
                                ? sessionEnded(exchange)
                                : ReactiveProblems.write(
                                        exchange, TermsProblems.acceptanceRequired(verdict.currentVersion()));
                    case CURRENT_VERSION_UNKNOWN -> {
                        HttpHeaders retry = new HttpHeaders();
                        retry.set(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(TermsProblems.RETRY_AFTER));
                        yield ReactiveProblems.write(exchange, TermsProblems.currentVersionUnknown(), retry);
                    }
                });
    }

    /** The session's tokens could not be had (refresh refused: the Keycloak session is over): sign in again. */
    private static Mono<Void> sessionEnded(ServerWebExchange exchange) {
        return ReactiveProblems.write(
                exchange,
                org.springframework.http.HttpStatus.UNAUTHORIZED,
                Problems.UNAUTHENTICATED,
                "Unauthorized",
                "Your session has ended. Please sign in again.",
                null);
    }

    @Override
    public int getOrder() {
        return -70; // after the caller is known (-90) and terminated users are refused (-80)
    }
}
