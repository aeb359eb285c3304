package health.portal.gateway.web;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Every error leaves the gateway as an RFC 9457 problem: unknown paths (404), gateway failures (502/504),
 * records API errors. Runs before Spring Boot's default error handler. Never echoes internal messages.
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        ProblemDetail problem;
        HttpHeaders headers = new HttpHeaders();
        if (ex instanceof ErrorResponse errorResponse) {
            HttpStatusCode status = errorResponse.getStatusCode();
            ProblemDetail body = errorResponse.getBody();
            // Framework exceptions describe our internals in their detail; keep only titles for them.
            boolean ours = body.getTitle() != null
                    && errorResponse instanceof org.springframework.web.ErrorResponseException e
                    && e.getClass() == org.springframework.web.ErrorResponseException.class;
            problem = ours
                    ? Problems.withPortalType(body)
                    : Problems.problem(status, Problems.slugFor(status), titleOf(status), defaultDetail(status));
            headers.addAll(errorResponse.getHeaders());
            if (status.value() == 503 && !headers.containsHeader(HttpHeaders.RETRY_AFTER)) {
                headers.set(HttpHeaders.RETRY_AFTER, "30");
            }
            if (status.is5xxServerError()) {
                log.warn(
                        "{} {} failed with {}: {}",
                        exchange.getRequest().getMethod(),
                        exchange.getRequest().getPath(),
                        status.value(),
                        ex.toString());
            }
        } else if (causedBy(ex, java.net.ConnectException.class)
                || causedBy(ex, java.util.concurrent.TimeoutException.class)
                || causedBy(ex, io.netty.handler.timeout.TimeoutException.class)) {
            // A downstream service is down or slow: tell the client to come back, do not leak the address.
            log.warn(
                    "{} {}: downstream not available: {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    ex.toString());
            problem = Problems.problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    Problems.UNAVAILABLE,
                    "Service Unavailable",
                    defaultDetail(HttpStatus.SERVICE_UNAVAILABLE));
            headers.set(HttpHeaders.RETRY_AFTER, "30");
        } else if (causedBy(ex, ClientAuthorizationException.class)) {
            // The session's tokens cannot be renewed (Keycloak ended its session, or the refresh token was spent):
            // the session is over. Signed out cleanly, the page offers the sign-in again; not a server error.
            log.warn(
                    "{} {}: the session's tokens could not be renewed, session ended: {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    ex.getMessage());
            ProblemDetail ended = Problems.problem(
                    HttpStatus.UNAUTHORIZED,
                    Problems.UNAUTHENTICATED,
                    "Unauthorized",
                    "Your session has ended. Please sign in again.");
            return exchange.getSession()
                    .flatMap(WebSession::invalidate)
                    .then(ReactiveProblems.write(exchange, ended, headers));
        } else {
            log.error(
                    "Unhandled error on {} {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    ex);
            problem = Problems.problem(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    Problems.INTERNAL,
                    "Internal Server Error",
                    "The request could not be completed.");
        }
        return ReactiveProblems.write(exchange, problem, headers);
    }

    private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String titleOf(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error";
    }

    private static String defaultDetail(HttpStatusCode status) {
        return switch (status.value()) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not supported here.";
            case 400 -> "The request is not valid.";
            case 502, 503, 504 -> "A service behind the gateway is not available. Please try again later.";
            default -> null;
        };
    }
}
