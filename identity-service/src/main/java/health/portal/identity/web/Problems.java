package health.portal.identity.web;

import health.portal.platform.problem.FieldProblem;
import health.portal.platform.problem.PortalProblemDetailsHandler;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.net.URI;
import java.util.List;

/** The RFC 9457 problems of identity-service; rendered by Spring MVC because they are ErrorResponseExceptions. */
public final class Problems {

    private static final String BASE = "https://portal.health/problems/";

    private Problems() {}

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(BASE + type));
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }

    /** 400 with field errors, in the same shape as bean validation failures. */
    public static ErrorResponseException fields(List<FieldProblem> errors) {
        ProblemDetail problem = PortalProblemDetailsHandler.validationProblem(errors);
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    public static ErrorResponseException field(String field, String message) {
        return fields(List.of(new FieldProblem(field, message)));
    }

    public static ErrorResponseException unavailable(String what) {
        return of(
                HttpStatus.SERVICE_UNAVAILABLE,
                "dependency-unavailable",
                "Service temporarily unavailable",
                what + " is not reachable right now. Please try again later.");
    }
}
