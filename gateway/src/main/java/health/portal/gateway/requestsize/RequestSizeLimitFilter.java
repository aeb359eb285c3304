package health.portal.gateway.requestsize;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Optional;

/**
 * Refuses request bodies over the route's limit with a 413 problem before any downstream service or handler sees the
 * request. A declared Content-Length is checked at once; a body of unknown length (chunked, or HTTP/2 without
 * content-length) is read up to the limit first and only then passed on, so that a body growing past the limit never
 * reaches identity-service half-streamed (it used to close the connection and the gateway answered 500).
 */
@Component
class RequestSizeLimitFilter implements WebFilter, Ordered {

    private final DataSize defaultLimit;

    private final List<Route> routes;

    RequestSizeLimitFilter(RequestSizeProperties properties) {
        this.defaultLimit = properties.defaultLimit();
        this.routes = properties.routes().stream()
                .map(route -> new Route(PathPatternParser.defaultInstance.parse(route.path()), route.max()))
                .toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        DataSize limit = limitFor(request.getPath().pathWithinApplication());
        long declared = request.getHeaders().getContentLength();
        if (declared > limit.toBytes()) {
            return tooLarge(exchange, limit);
        }
        if (declared >= 0) {
            return chain.filter(exchange); // the HTTP framing holds the client to the declared length
        }
        return DataBufferUtils.join(request.getBody(), (int) limit.toBytes())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(body -> body.isEmpty()
                        ? chain.filter(exchange)
                        : chain.filter(exchange.mutate()
                                .request(new ReadBody(request, copyAndRelease(body.get())))
                                .build()))
                .onErrorResume(DataBufferLimitException.class, tooBig -> tooLarge(exchange, limit));
    }

    private DataSize limitFor(PathContainer path) {
        for (Route route : routes) {
            if (route.pattern().matches(path)) {
                return route.max();
            }
        }
        return defaultLimit;
    }

    private static Mono<Void> tooLarge(ServerWebExchange exchange, DataSize limit) {
        // the rest of the body is not read: the connection closes after the answer instead of draining it
        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        return ReactiveProblems.write(
                exchange,
                HttpStatus.CONTENT_TOO_LARGE,
                Problems.REQUEST_TOO_LARGE,
                "Request too large",
                "The request body is larger than " + readable(limit) + ", the most this address accepts.",
                null);
    }

    private static String readable(DataSize size) {
        if (size.toBytes() >= 1024 * 1024 && size.toBytes() % (1024 * 1024) == 0) {
            return size.toMegabytes() + " MiB";
        }
        return size.toBytes() >= 1024 && size.toBytes() % 1024 == 0
                ? size.toKilobytes() + " KiB"
                : size.toBytes() + " bytes";
    }

    /** Pooled buffers must be released even when nobody downstream reads the body (e.g. a 401). */
    private static byte[] copyAndRelease(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** The request with its body already read: sent on with its now known length. */
    private static final class ReadBody extends ServerHttpRequestDecorator {

        private final byte[] body;

        private final HttpHeaders headers;

        ReadBody(ServerHttpRequest delegate, byte[] body) {
            super(delegate);
            this.body = body;
            HttpHeaders copy = new HttpHeaders();
            copy.addAll(delegate.getHeaders());
            copy.remove(HttpHeaders.TRANSFER_ENCODING);
            copy.setContentLength(body.length);
            this.headers = HttpHeaders.readOnlyHttpHeaders(copy);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
        }
    }

    private record Route(PathPattern pattern, DataSize max) {}

    @Override
    public int getOrder() {
        // right after the security headers (so the 413 carries them), before maintenance, limits and sign-in
        return Ordered.HIGHEST_PRECEDENCE + 5;
    }
}
