package health.portal.identity.web;

import health.portal.platform.problem.PortalProblemDetailsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;

/** The platform's problem details plus a last resort that reveals nothing about the failure. */
@RestControllerAdvice
public class IdentityExceptionHandler extends PortalProblemDetailsHandler {

    private static final Logger log = LoggerFactory.getLogger(IdentityExceptionHandler.class);

    @ExceptionHandler(DependencyUnavailableException.class)
    public ProblemDetail unavailable(DependencyUnavailableException e) {
        log.warn("Dependency unavailable: {}", e.getMessage());
        return Problems.unavailable(e.dependency()).getBody();
    }

    @ExceptionHandler(RuntimeException.class)
    public ProblemDetail unexpected(RuntimeException e) {
        log.error("Unexpected failure", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "The request could not be completed.");
        problem.setType(URI.create("https://portal.health/problems/internal"));
        problem.setTitle("Internal error");
        return problem;
    }
}
