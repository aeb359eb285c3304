package health.portal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** The absolute session limit holds however active the session is; the idle timeout is applied to every session. */
class SessionLimitsFilterTest {

    private static final Instant SIGN_IN = Instant.parse("2026-11-26T08:00:00Z");

    private final SecurityProperties properties = new SecurityProperties(
            "http://localhost/realms/portal",
            "portal-api",
            "portal-web",
            "secret",
            "/",
            "/",
            Duration.ofMinutes(15),
            Duration.ofHours(8));

    @Test
    void aSessionOlderThanTheAbsoluteLimitIsEnded() {
        WebSession session = activeSession();
        session.getAttributes().put("SPRING_SECURITY_CONTEXT", "signed in");

        WebSession seen = runFilter(session, SIGN_IN.plus(Duration.ofHours(8)).plusSeconds(1));

        assertThat(seen.getAttributes()).isEmpty();
    }

    @Test
    void aYoungerSessionIsKeptAndGetsTheIdleTimeout() {
        WebSession session = activeSession();
        session.getAttributes().put("SPRING_SECURITY_CONTEXT", "signed in");

        WebSession seen = runFilter(session, SIGN_IN.plus(Duration.ofHours(7)));

        assertThat(seen.getAttributes()).containsKey("SPRING_SECURITY_CONTEXT");
        assertThat(seen.getMaxIdleTime()).isEqualTo(Duration.ofMinutes(15));
    }

    private static WebSession activeSession() {
        InMemoryWebSessionStore store = new InMemoryWebSessionStore();
        store.setClock(Clock.fixed(SIGN_IN, ZoneOffset.UTC));
        WebSession session = store.createWebSession().block();
        session.start();
        return session;
    }

    private WebSession runFilter(WebSession session, Instant now) {
        MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/api/me")
                        .cookie(new HttpCookie(SessionConfiguration.COOKIE_NAME, session.getId())))
                .session(session)
                .build();
        SessionLimitsFilter filter = new SessionLimitsFilter(properties, Clock.fixed(now, ZoneOffset.UTC));
        filter.filter(exchange, ignored -> Mono.empty()).block();
        return exchange.getSession().block();
    }
}
