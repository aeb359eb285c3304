package health.portal.platform.security.servlet;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.servlet.ServletProblems;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/** 401 and 403 as problems, keeping Spring's RFC 6750 {@code WWW-Authenticate} challenge. */
public class ProblemSecurityHandler implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler denied = new BearerTokenAccessDeniedHandler();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        challenge.commence(request, response, e);
        ServletProblems.write(
                response,
                Problems.problem(
                        HttpStatus.UNAUTHORIZED,
                        Problems.UNAUTHENTICATED,
                        "Authentication required",
                        "A valid bearer token is required."));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException, ServletException {
        denied.handle(request, response, e);
        ServletProblems.write(
                response,
                Problems.problem(
                        HttpStatus.FORBIDDEN,
                        Problems.FORBIDDEN,
                        "Forbidden",
                        "Your role does not allow this request."));
    }
}
