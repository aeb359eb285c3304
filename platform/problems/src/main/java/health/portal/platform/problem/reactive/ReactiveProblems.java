package health.portal.platform.problem.reactive;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;

/** Writes a problem from a WebFlux filter, handler or error handler (the gateway). */
public final class ReactiveProblems {

    private ReactiveProblems() {}

    public static Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem, HttpHeaders extraHeaders) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        if (problem.getInstance() == null) {
            problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        }
        response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
        HttpHeaders headers = response.getHeaders();
        if (extraHeaders != null) {
            extraHeaders.forEach(headers::put);
        }
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(Problems.json(problem))));
    }

    public static Mono<Void> write(ServerWebExchange exchange, ProblemDetail problem) {
        return write(exchange, problem, null);
    }

    /** A problem of the portal's vocabulary, with {@code Retry-After} when given (429, 503). */
    public static Mono<Void> write(
            ServerWebExchange exchange,
            HttpStatusCode status,
            String slug,
            String title,
            String detail,
            Duration retryAfter) {
        HttpHeaders headers = new HttpHeaders();
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Problems.retryAfterSeconds(retryAfter));
        }
        return write(exchange, Problems.problem(status, slug, title, detail), headers);
    }
}
