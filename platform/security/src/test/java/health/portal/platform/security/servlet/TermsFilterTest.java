package health.portal.platform.security.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.platform.security.terms.CurrentTerms;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.time.Instant;
import java.util.List;
import java.util.Map;

class TermsFilterTest {

    private final CurrentTerms current = new CurrentTerms();
    private final TermsFilter filter = new TermsFilter(current, List.of("/api/"));

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    private MockHttpServletResponse call(String path, String termsVersion, String role) throws Exception {
        Jwt.Builder jwt = Jwt.withTokenValue("t")
                .header("alg", "none")
                .subject("u1")
                .claim("realm_access", Map.of("roles", List.of(role)))
                .claim("patient_id", "p1");
        if (termsVersion != null) {
            jwt.claim("terms_version", termsVersion);
        }
        SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt.build()));
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(new MockHttpServletRequest("GET", path), response, chain);
        if (chain.getRequest() != null) {
            response.setStatus(299); // passed on
        }
        return response;
    }

    @Test
    void aPatientNeedsTheCurrentVersion() throws Exception {
        current.learned("v2", Instant.parse("2026-01-01T00:00:00Z"));
        MockHttpServletResponse refused = call("/api/messages", "v1", "patient");
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(refused.getContentAsString())
                .contains("terms-acceptance-required")
                .contains("\"currentVersion\":\"v2\"");
        assertThat(call("/api/messages", null, "patient").getStatus()).isEqualTo(403);
        assertThat(call("/api/messages", "v2", "patient").getStatus()).isEqualTo(299);
    }

    @Test
    void notKnowingTheCurrentVersionRefusesPatientsAsUnavailable() throws Exception {
        MockHttpServletResponse refused = call("/api/messages", "v1", "patient");
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("30");
    }

    @Test
    void othersAndOtherPathsPass() throws Exception {
        current.learned("v2", Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(call("/internal/staff/messages", "v1", "patient").getStatus())
                .isEqualTo(299);
        assertThat(call("/api/messages", null, "records-service").getStatus()).isEqualTo(299);
    }
}
