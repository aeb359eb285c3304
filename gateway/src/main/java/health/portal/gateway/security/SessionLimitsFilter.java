package health.portal.gateway.security;

import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;

/**
 * Applies the idle timeout to every browser session and ends sessions older than the absolute limit, whatever
 * their activity. Runs before Spring Security reads the session, so an ended session is simply not signed in.
 */
@Component
class SessionLimitsFilter implements WebFilter, Ordered {

    private final SecurityProperties properties;

    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    SessionLimitsFilter(SecurityProperties properties) {
        this(properties, Clock.systemUTC());
    }

    SessionLimitsFilter(SecurityProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
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
            session.getAttributes().clear();
            return session.invalidate();
        }
        if (!properties.idleTimeout().equals(session.getMaxIdleTime())) {
            session.setMaxIdleTime(properties.idleTimeout());
        }
        return Mono.empty();
    }

    @Override
    public int getOrder() {
        return -150; // before Spring Security (-100)
    }
}
