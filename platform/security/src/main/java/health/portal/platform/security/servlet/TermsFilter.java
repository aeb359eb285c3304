package health.portal.platform.security.servlet;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.servlet.ServletProblems;
import health.portal.platform.security.Caller;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.platform.security.terms.TermsRule;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@link TermsRule} for a servlet service that learns the current terms from the topic ({@link CurrentTerms}, with
 * {@code portal.terms.enforced=true}): behind the gateway, a patient without the current version in the token gets
 * none of the service's routes under the given path prefixes (403 {@code terms-acceptance-required}), and nothing
 * while the current version is not known yet (503). Register it as a bean; it runs after the security chain.
 * (identity-service, the source of the acceptance, checks its own database instead.)
 */
public class TermsFilter extends OncePerRequestFilter {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final CurrentTerms current;
    private final List<String> prefixes;

    public TermsFilter(CurrentTerms current, List<String> prefixes) {
        this.current = current;
        this.prefixes = List.copyOf(prefixes);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return prefixes.stream().noneMatch(path::startsWith);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token) {
            TermsRule.Verdict verdict = TermsRule.check(Caller.of(token.getToken()), current);
            switch (verdict.outcome()) {
                case ACCEPTANCE_REQUIRED -> {
                    ServletProblems.write(response, acceptanceRequired(verdict.currentVersion()));
                    return;
                }
                case CURRENT_VERSION_UNKNOWN -> {
                    response.setHeader(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(RETRY_AFTER));
                    ServletProblems.write(
                            response,
                            Problems.problem(
                                    HttpStatus.SERVICE_UNAVAILABLE,
                                    Problems.UNAVAILABLE,
                                    "Service temporarily unavailable",
                                    "This service is not available right now. Please try again later."));
                    return;
                }
                case PASSES -> {}
            }
        }
        chain.doFilter(request, response);
    }

    /** 403 {@code terms-acceptance-required}, naming the version ({@code currentVersion}) and where to accept it. */
    public static ProblemDetail acceptanceRequired(String currentVersion) {
        ProblemDetail problem = Problems.problem(
                HttpStatus.FORBIDDEN, TermsRule.PROBLEM, TermsRule.TITLE, TermsRule.detail(currentVersion));
        problem.setProperty(TermsRule.CURRENT_VERSION, currentVersion);
        problem.setProperty(TermsRule.ACCEPT_AT, TermsRule.ACCEPTANCE_PATH);
        problem.setProperty("terms", TermsRule.TERMS_PATH);
        return problem;
    }
}
