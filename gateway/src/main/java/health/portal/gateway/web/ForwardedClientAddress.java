package health.portal.gateway.web;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Every proxied request tells the service behind it the client's address in {@code X-Forwarded-For}: the one the
 * gateway itself determined ({@link ClientAddress}), never what the client sent, so that a service recording "from
 * where" (a consent, a paperless change) records the truth. Spring Cloud Gateway's own X-Forwarded filter needs trusted
 * proxies configured, strips the header without them, and loses the address the framework strategy resolves; this runs
 * after it.
 */
@Component
class ForwardedClientAddress implements HttpHeadersFilter, Ordered {

    static final String HEADER = "X-Forwarded-For";

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders headers = new HttpHeaders();
        input.forEach(headers::addAll);
        headers.set(HEADER, ClientAddress.of(exchange));
        return headers;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
