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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The absolute session limit holds however active the session is; the idle timeout is applied to every signed-in session. */
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
            Duration.ofHours(8),
            Duration.ofMinutes(10));

    @Test
    void aSessionOlderThanTheAbsoluteLimitIsEnded() {
        WebSession session = activeSession();
        session.getAttributes().put("SPRING_SECURITY_CONTEXT", "signed in");

        WebSession seen = runFilter(session, SIGN_IN.plus(Duration.ofHours(8)).plusSeconds(1));

        assertThat(seen.getAttributes()).isEmpty();
    }

    @Test
    void endingASessionAtTheAbsoluteLimitEndsItsKeycloakSessionWithItsTokens() {
        WebSession session = activeSession();
        session.getAttributes().put(KeycloakSessionEnd.AUTHORIZED_CLIENTS, "tokens of the session");
        List<Map<String, Object>> ended = new ArrayList<>();
        SessionLimitsFilter filter = new SessionLimitsFilter(
                properties, Clock.fixed(SIGN_IN.plus(Duration.ofHours(9)), ZoneOffset.UTC), (attributes, reason) -> {
                    ended.add(attributes);
                    return Mono.empty();
                });

        WebSession seen = runFilter(filter, session);

        assertThat(ended)
                .singleElement()
                .satisfies(attributes -> assertThat(attributes)
                        .containsEntry(KeycloakSessionEnd.AUTHORIZED_CLIENTS, "tokens of the session"));
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

    @Test
    void aSessionNotSignedInYetKeepsTheSignInAllowance() {
        WebSession session = activeSession();
        session.setMaxIdleTime(Duration.ofMinutes(10));
        session.getAttributes().put("authorization request", "state and PKCE verifier");

        WebSession seen = runFilter(session, SIGN_IN.plusSeconds(30));

        assertThat(seen.getMaxIdleTime()).isEqualTo(Duration.ofMinutes(10));
    }

    private static WebSession activeSession() {
        InMemoryWebSessionStore store = new InMemoryWebSessionStore();
        store.setClock(Clock.fixed(SIGN_IN, ZoneOffset.UTC));
        WebSession session = store.createWebSession().block();
        session.start();
        return session;
    }

    private WebSession runFilter(WebSession session, Instant now) {
        return runFilter(new SessionLimitsFilter(properties, Clock.fixed(now, ZoneOffset.UTC)), session);
    }

    private static WebSession runFilter(SessionLimitsFilter filter, WebSession session) {
        MockServerWebExchange exchange = MockServerWebExchange.builder(MockServerHttpRequest.get("/api/me")
                        .cookie(new HttpCookie(SessionConfiguration.COOKIE_NAME, session.getId())))
                .session(session)
                .build();
        filter.filter(exchange, ignored -> Mono.empty()).block();
        return exchange.getSession().block();
    }
}
