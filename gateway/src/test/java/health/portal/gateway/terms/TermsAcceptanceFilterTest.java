package health.portal.gateway.terms;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.security.Caller;
import health.portal.platform.security.terms.CurrentTerms;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The gateway's terms rule for bearer callers: the exemptions are a short allow-list, unknown means closed. */
class TermsAcceptanceFilterTest {

    private static Caller patient(String termsVersion) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", "user-1");
        claims.put("realm_access", Map.of("roles", List.of("patient")));
        claims.put("patient_id", "demo-alex");
        if (termsVersion != null) {
            claims.put("terms_version", termsVersion);
        }
        return Caller.fromClaims(claims);
    }

    /** @return the status answered, or null when the request went on down the chain */
    private static HttpStatus filter(CurrentTerms current, Caller caller, HttpMethod method, String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.method(method, path).build());
        if (caller != null) {
            SignedInCaller.remember(exchange, caller, false);
        }
        AtomicBoolean passed = new AtomicBoolean();
        WebFilterChain chain = e -> {
            passed.set(true);
            return Mono.empty();
        };
        new TermsAcceptanceFilter(current, null).filter(exchange, chain).block();
        return passed.get()
                ? null
                : HttpStatus.resolve(exchange.getResponse().getStatusCode().value());
    }

    private static CurrentTerms current(String version) {
        CurrentTerms current = new CurrentTerms();
        current.learned(version, Instant.parse("2026-01-01T00:00:00Z"));
        return current;
    }

    @Test
    void onlyWhatIsNeededToAcceptOrLeaveIsExempt() {
        for (String path : List.of(
                "/api/me/terms-acceptance", "/api/terms/current", "/api/enrollment", "/logout", "/auth/session")) {
            assertThat(TermsAcceptanceFilter.exempt(HttpMethod.POST, PathContainer.parsePath(path)))
                    .as(path)
                    .isTrue();
        }
        assertThat(TermsAcceptanceFilter.exempt(HttpMethod.GET, PathContainer.parsePath("/api/me")))
                .isTrue();
        assertThat(TermsAcceptanceFilter.exempt(HttpMethod.POST, PathContainer.parsePath("/api/me")))
                .isFalse();
        for (String path : List.of(
                "/api/records/summary", "/api/me/access-log", "/api/me/x", "/api/messages", "/api/billing/x", "/x")) {
            assertThat(TermsAcceptanceFilter.exempt(HttpMethod.GET, PathContainer.parsePath(path)))
                    .as(path)
                    .isFalse();
        }
    }

    @Test
    void aPatientNeedsTheCurrentVersionInTheToken() {
        CurrentTerms current = current("2026-01");
        assertThat(filter(current, patient("2026-01"), HttpMethod.GET, "/api/records/summary"))
                .isNull();
        assertThat(filter(current, patient("2025-01"), HttpMethod.GET, "/api/records/summary"))
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(filter(current, patient(null), HttpMethod.GET, "/api/billing/statements"))
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(filter(current, patient(null), HttpMethod.GET, "/api/me")).isNull();
        // no caller (anonymous): not this filter's business, security answers 401 where it applies
        assertThat(filter(current, null, HttpMethod.GET, "/api/records/summary"))
                .isNull();
    }

    @Test
    void anUnknownCurrentVersionRefusesPatientsAsUnavailable() {
        assertThat(filter(new CurrentTerms(), patient("2026-01"), HttpMethod.GET, "/api/records/summary"))
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(filter(new CurrentTerms(), patient("2026-01"), HttpMethod.POST, "/api/me/terms-acceptance"))
                .isNull();
    }
}
