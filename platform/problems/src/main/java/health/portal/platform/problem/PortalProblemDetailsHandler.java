package health.portal.platform.problem;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9457 problem details for the errors Spring MVC raises itself, with the invalid fields listed in an
 * {@code errors} property. Errors thrown as {@link org.springframework.web.ErrorResponseException} (or a subclass)
 * by a service are rendered by the base class as problem details too.
 * <p>
 * Registered automatically (see {@code ProblemDetailsAutoConfiguration}); a service that needs more handlers
 * extends this class and annotates the subclass with {@code @RestControllerAdvice}.
 */
public class PortalProblemDetailsHandler extends ResponseEntityExceptionHandler {

    /** Problem type of every input validation failure. */
    public static final URI VALIDATION_TYPE = Problems.type(Problems.VALIDATION);

    private static final Logger log = LoggerFactory.getLogger(PortalProblemDetailsHandler.class);

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (FieldError error : ex.getBindingResult().getFieldErrors()) {
            errors.add(new FieldProblem(error.getField(), error.getDefaultMessage()));
        }
        ex.getBindingResult()
                .getGlobalErrors()
                .forEach(e -> errors.add(new FieldProblem(e.getObjectName(), e.getDefaultMessage())));
        return handleExceptionInternal(ex, validationProblem(errors), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                String field = error instanceof FieldError fe ? fe.getField() : name;
                errors.add(new FieldProblem(field, error.getDefaultMessage()));
            }
        });
        return handleExceptionInternal(ex, validationProblem(errors), headers, status, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    public ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, WebRequest request) {
        List<FieldProblem> errors = ex.getConstraintViolations().stream()
                .map(v -> new FieldProblem(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return handleExceptionInternal(
                ex, validationProblem(errors), new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
    }

    /** Spring MVC's own problems (404, 405, 415, unreadable bodies) get the portal's type like every other. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            Problems.withPortalType(problem);
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    /** 503 with Retry-After: a dependency did not answer, the same request may work later. */
    @ExceptionHandler(DependencyUnavailableException.class)
    public ResponseEntity<Object> handleDependencyUnavailable(DependencyUnavailableException ex, WebRequest request) {
        log.warn("Dependency unavailable: {}", ex.getMessage());
        ErrorResponseException problem = Problems.unavailable(ex.dependency());
        return handleExceptionInternal(
                ex, problem.getBody(), problem.getHeaders(), HttpStatus.SERVICE_UNAVAILABLE, request);
    }

    /** The last resort: logged with its stack, answered without a word about what failed. */
    @ExceptionHandler(RuntimeException.class)
    public ResponseEntity<Object> handleUnexpected(RuntimeException ex, WebRequest request) {
        if (ex.getClass().getName().startsWith("org.springframework.security.")) {
            throw ex; // access decisions are answered by the security filter chain (401/403)
        }
        log.error("Unexpected failure", ex);
        return handleExceptionInternal(
                ex, Problems.internal(), new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    /** A 400 problem listing the invalid fields, sorted by field name for stable output. */
    public static ProblemDetail validationProblem(List<FieldProblem> errors) {
        return Problems.validation(errors);
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
