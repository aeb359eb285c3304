package health.portal.identity.terms;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.servlet.ServletProblems;
import health.portal.platform.security.Caller;
import health.portal.platform.security.terms.TermsRule;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Defence in depth behind the gateway: a patient who has not accepted the current terms (by the database, the source
 * of truth) gets none of their data here either. Everything under {@code /api/me/} is refused but what the patient
 * needs to see and accept the terms: {@code GET /api/me} (which shows the terms status) and the acceptance itself; a
 * new endpoint is refused until it is named here. Runs after the security filter chain and the termination check.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class TermsAcceptanceFilter extends OncePerRequestFilter {

    private final TermsService terms;

    TermsAcceptanceFilter(TermsService terms) {
        this.terms = terms;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean exempt = (path.equals("/api/me") && HttpMethod.GET.matches(request.getMethod()))
                || path.equals(TermsRule.ACCEPTANCE_PATH);
        return exempt || !(path.equals("/api/me") || path.startsWith("/api/me/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token) {
            Caller caller = Caller.of(token.getToken());
            if (caller.isPatient()) {
                TermsService.TermsStatus status = terms.status(caller.subject());
                if (status.acceptanceRequired()) {
                    ServletProblems.write(response, problem(status.currentVersion()));
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    static ProblemDetail problem(String currentVersion) {
        ProblemDetail problem = Problems.problem(
                HttpStatus.FORBIDDEN, TermsRule.PROBLEM, TermsRule.TITLE, TermsRule.detail(currentVersion));
        problem.setProperty(TermsRule.CURRENT_VERSION, currentVersion);
        problem.setProperty(TermsRule.ACCEPT_AT, TermsRule.ACCEPTANCE_PATH);
        return problem;
    }
}
