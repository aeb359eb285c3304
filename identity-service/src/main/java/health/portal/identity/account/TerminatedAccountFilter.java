package health.portal.identity.account;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.servlet.ServletProblems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses a terminated account's tokens on {@code /api/me/**} at once. Keycloak disabling the user (after the
 * termination commits, retried if Keycloak is away) stops new tokens, but one issued before stays valid until it
 * expires. Runs after the security filter chain (a plain filter bean), so the token is already checked.
 */
@Component
class TerminatedAccountFilter extends OncePerRequestFilter {

    private final PatientAccounts accounts;

    TerminatedAccountFilter(PatientAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/api/me") || path.startsWith("/api/me/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken token
                && accounts.isTerminated(token.getToken().getSubject())) {
            ServletProblems.write(
                    response,
                    Problems.problem(
                            HttpStatus.FORBIDDEN,
                            "access-terminated",
                            "Access ended",
                            "Portal access has been ended for this account. Please contact your clinic."));
            return;
        }
        chain.doFilter(request, response);
    }
}
