package health.portal.gateway.security;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the browser goes after {@code POST /logout}. A form post or a plain client gets the usual 302 (to Keycloak's
 * end-session endpoint). The portal page signs out with {@code fetch} and {@code Accept: application/json}: a
 * redirect to Keycloak would be blocked there (CSP {@code connect-src 'self'}), so it gets the address as JSON and
 * navigates there itself, which ends the Keycloak session too and comes back to the portal. The gateway session
 * is already gone when this runs.
 */
final class SignOutRedirectStrategy implements ServerRedirectStrategy {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ServerRedirectStrategy redirect = new DefaultServerRedirectStrategy();

    @Override
    public Mono<Void> sendRedirect(ServerWebExchange exchange, URI location) {
        if (!wantsJson(exchange)) {
            return redirect.sendRedirect(exchange, location);
        }
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.OK);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signedOut", true);
        body.put("next", location.toString());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(JSON.writeValueAsBytes(body))));
    }

    private static boolean wantsJson(ServerWebExchange exchange) {
        List<MediaType> accept = exchange.getRequest().getHeaders().getAccept();
        return accept.stream().anyMatch(MediaType.APPLICATION_JSON::equalsTypeAndSubtype)
                && accept.stream().noneMatch(MediaType.TEXT_HTML::equalsTypeAndSubtype);
    }
}
