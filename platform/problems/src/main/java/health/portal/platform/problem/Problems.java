package health.portal.platform.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The portal's one problem vocabulary (RFC 9457): every problem any service answers has the type
 * {@code https://portal.health/problems/<slug>}, a short title and a detail a patient can read. Services throw
 * {@link #exception} (rendered by Spring MVC or the gateway's handler) or write {@link #json} from filters.
 */
public final class Problems {

    public static final String BASE = "https://portal.health/problems/";

    /** Slugs shared by more than one service; a service's own problems name their slug where they are thrown. */
    public static final String UNAUTHENTICATED = "unauthenticated";

    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not-found";
    public static final String METHOD_NOT_ALLOWED = "method-not-allowed";
    public static final String BAD_REQUEST = "bad-request";
    public static final String VALIDATION = "validation";
    public static final String REQUEST_TOO_LARGE = "request-too-large";
    public static final String RATE_LIMITED = "rate-limited";
    public static final String UNAVAILABLE = "dependency-unavailable";
    public static final String MAINTENANCE = "maintenance";
    public static final String INTERNAL = "internal";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {}

    public static URI type(String slug) {
        return URI.create(BASE + slug);
    }

    public static ProblemDetail problem(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }

    public static ErrorResponseException exception(HttpStatusCode status, String slug, String title, String detail) {
        return new ErrorResponseException(status, problem(status, slug, title, detail), null);
    }

    /** The same, with {@code Retry-After} for the client (429, 503). */
    public static ErrorResponseException exception(
            HttpStatusCode status, String slug, String title, String detail, Duration retryAfter) {
        ErrorResponseException ex = exception(status, slug, title, detail);
        if (retryAfter != null) {
            ex.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds(retryAfter));
        }
        return ex;
    }

    /** A 400 listing the invalid fields, sorted by field name for stable output. */
    public static ProblemDetail validation(List<FieldProblem> errors) {
        ProblemDetail problem =
                problem(HttpStatus.BAD_REQUEST, VALIDATION, "Invalid request", "The request has invalid fields.");
        problem.setProperty(
                "errors",
                errors.stream()
                        .sorted(Comparator.comparing(FieldProblem::field)
                                .thenComparing(FieldProblem::message, Comparator.nullsFirst(Comparator.naturalOrder())))
                        .toList());
        return problem;
    }

    /** 400 with field errors, in the same shape as bean-validation failures. */
    public static ErrorResponseException fields(List<FieldProblem> errors) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, validation(errors), null);
    }

    public static ErrorResponseException field(String field, String message) {
        return fields(List.of(new FieldProblem(field, message)));
    }

    /** 503: something this service needs did not answer; the client may retry. */
    public static ErrorResponseException unavailable(String what) {
        return exception(
                HttpStatus.SERVICE_UNAVAILABLE,
                UNAVAILABLE,
                "Service temporarily unavailable",
                what + " is not reachable right now. Please try again later.",
                Duration.ofSeconds(30));
    }

    /** The last resort: reveals nothing about what failed. */
    public static ProblemDetail internal() {
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL, "Internal error", "The request could not be completed.");
    }

    /** The slug for a bare HTTP status, for errors raised by the frameworks rather than by a service. */
    public static String slugFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> "not-acceptable";
            case 409 -> "conflict";
            case 413 -> REQUEST_TOO_LARGE;
            case 415 -> "unsupported-media-type";
            case 429 -> RATE_LIMITED;
            case 502, 503, 504 -> UNAVAILABLE;
            default -> status.is5xxServerError() ? INTERNAL : "http-" + status.value();
        };
    }

    /** Gives a framework's problem (type {@code about:blank}) the portal's type for its status; keeps others. */
    public static ProblemDetail withPortalType(ProblemDetail problem) {
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(type(slugFor(HttpStatusCode.valueOf(problem.getStatus()))));
        }
        return problem;
    }

    public static String retryAfterSeconds(Duration retryAfter) {
        return Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /** The body as {@code application/problem+json} bytes: type, title, status, detail, instance, then extensions. */
    public static byte[] json(ProblemDetail problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", problem.getType().toString());
        map.put("title", problem.getTitle());
        map.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            map.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            map.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            map.putAll(problem.getProperties());
        }
        return JSON.writeValueAsBytes(map);
    }
}
