package health.portal.gateway.records;

import health.portal.gateway.terms.TermsProblems;
import health.portal.platform.problem.Problems;
import health.portal.platform.security.terms.TermsRule;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import java.time.Duration;

/** gRPC status of records-service -> HTTP problem for the client. */
final class GrpcProblems {

    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    private static final Metadata.Key<String> TERMS_VERSION =
            Metadata.Key.of(TermsRule.GRPC_VERSION_TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    private GrpcProblems() {}

    static Throwable toProblem(Throwable ex) {
        if (!(ex instanceof StatusRuntimeException || ex instanceof io.grpc.StatusException)) {
            return ex;
        }
        Status status = Status.fromThrowable(ex);
        Metadata trailers = Status.trailersFromThrowable(ex);
        String termsVersion = trailers == null ? null : trailers.get(TERMS_VERSION);
        if (status.getCode() == Status.Code.FAILED_PRECONDITION && termsVersion != null) {
            // records-service knew a newer version than the gateway had read, or the gateway's check was passed
            return TermsProblems.acceptanceRequiredException(termsVersion);
        }
        return switch (status.getCode()) {
            case UNAUTHENTICATED -> {
                ErrorResponseException problem = Problems.exception(
                        HttpStatus.UNAUTHORIZED,
                        Problems.UNAUTHENTICATED,
                        "Unauthorized",
                        "Sign in again to see your records.",
                        null);
                problem.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
                yield problem;
            }
            case PERMISSION_DENIED ->
                Problems.exception(
                        HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", "You may not see this record.", null);
            case NOT_FOUND ->
                Problems.exception(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not Found", "No such record.", null);
            case INVALID_ARGUMENT ->
                Problems.exception(
                        HttpStatus.BAD_REQUEST,
                        Problems.BAD_REQUEST,
                        "Bad Request",
                        status.getDescription() != null
                                        && status.getDescription().length() < 200
                                ? status.getDescription()
                                : "The request is not valid.",
                        null);
            case RESOURCE_EXHAUSTED ->
                Problems.exception(
                        HttpStatus.TOO_MANY_REQUESTS,
                        Problems.RATE_LIMITED,
                        "Too Many Requests",
                        "Too many requests. Please wait before trying again.",
                        RETRY_AFTER);
            case UNAVAILABLE, DEADLINE_EXCEEDED ->
                Problems.exception(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        Problems.UNAVAILABLE,
                        "Service Unavailable",
                        "Your records are not available right now. Please try again later.",
                        RETRY_AFTER);
            default ->
                Problems.exception(
                        HttpStatus.BAD_GATEWAY,
                        "bad-gateway",
                        "Bad Gateway",
                        "Your records could not be loaded.",
                        null);
        };
    }
}
