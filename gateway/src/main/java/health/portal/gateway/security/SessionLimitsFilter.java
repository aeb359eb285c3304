package health.portal.gateway.security;

import org.springframework.core.Ordered;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Applies the idle timeout to every signed-in browser session and ends sessions older than the absolute limit,
 * whatever their activity (and the Keycloak session with it). Runs before Spring Security reads the session, so an
 * ended session is simply not signed in. A session not signed in yet keeps the sign-in allowance it was created with
 * ({@code spring.session.timeout}): it holds only the authorization request while the person is at Keycloak's pages.
 */
@Component
class SessionLimitsFilter implements WebFilter, Ordered {

    private final SecurityProperties properties;

    private final Clock clock;

    private final BiFunction<Map<String, Object>, String, Mono<Void>> endAtKeycloak;

    @org.springframework.beans.factory.annotation.Autowired
    SessionLimitsFilter(SecurityProperties properties, KeycloakSessionEnd keycloakSessionEnd) {
        this(properties, Clock.systemUTC(), keycloakSessionEnd::end);
    }

    SessionLimitsFilter(SecurityProperties properties, Clock clock) {
        this(properties, clock, (attributes, reason) -> Mono.empty());
    }

    SessionLimitsFilter(
            SecurityProperties properties,
            Clock clock,
            BiFunction<Map<String, Object>, String, Mono<Void>> endAtKeycloak) {
        this.properties = properties;
        this.clock = clock;
        this.endAtKeycloak = endAtKeycloak;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getCookies().containsKey(SessionConfiguration.COOKIE_NAME)) {
            return chain.filter(exchange); // no session to look at; do not create one
        }
        return exchange.getSession().flatMap(session -> apply(session)).then(chain.filter(exchange));
    }

    private Mono<Void> apply(WebSession session) {
        if (!session.isStarted()) {
            return Mono.empty();
        }
        if (session.getCreationTime().plus(properties.absoluteTimeout()).isBefore(Instant.now(clock))) {
            return endAtKeycloak
                    .apply(Map.copyOf(session.getAttributes()), "absolute timeout")
                    .then(Mono.defer(() -> {
                        session.getAttributes().clear();
                        return session.invalidate();
                    }));
        }
        if (signedIn(session) && !properties.idleTimeout().equals(session.getMaxIdleTime())) {
            session.setMaxIdleTime(properties.idleTimeout());
        }
        return Mono.empty();
    }

    static boolean signedIn(WebSession session) {
        return session.getAttributes()
                .containsKey(WebSessionServerSecurityContextRepository.DEFAULT_SPRING_SECURITY_CONTEXT_ATTR_NAME);
    }

    @Override
    public int getOrder() {
        return -150; // before Spring Security (-100)
    }
}
