package health.portal.gateway;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Stands in for identity-service: answers every request with what it received (path, Authorization, Cookie), so
 * tests see exactly what the gateway relays (and how many body bytes arrived). It also sets cache and server headers
 * the gateway must override. {@code /api/terms/broken} answers 500 like a failing downstream.
 * {@code POST /api/me/terms-acceptance} hands the relayed token to {@link #onAcceptance}, which does identity-service's
 * part (the Keycloak attribute).
 */
final class IdentityEchoServer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;

    /** The {@code X-Test-Marker} of every request that reached this service, so tests can tell what never did. */
    final Queue<String> markers = new ConcurrentLinkedQueue<>();

    /** Called with the relayed bearer token of each {@code POST /api/me/terms-acceptance}, before the answer. */
    volatile java.util.function.Consumer<String> onAcceptance = token -> {};

    IdentityEchoServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        server.createContext("/", exchange -> {
            String marker = exchange.getRequestHeaders().getFirst("X-Test-Marker");
            if (marker != null) {
                markers.add(marker);
            }
            long bodyLength;
            try (var in = exchange.getRequestBody()) {
                bodyLength = in.transferTo(OutputStream.nullOutputStream());
            }
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("bodyLength", bodyLength);
            echo.put("method", exchange.getRequestMethod());
            echo.put("path", exchange.getRequestURI().getPath());
            echo.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
            echo.put("cookie", exchange.getRequestHeaders().getFirst("Cookie"));
            echo.put("csrf", exchange.getRequestHeaders().getFirst("X-CSRF-TOKEN"));
            echo.put("traceparent", exchange.getRequestHeaders().getFirst("traceparent"));
            byte[] body = JSON.writeValueAsString(echo).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
            exchange.getResponseHeaders().set("Server", "identity-echo/1.0");
            exchange.getResponseHeaders().add("Set-Cookie", "downstream=1; Path=/");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (exchange.getRequestMethod().equals("POST")
                    && exchange.getRequestURI().getPath().equals("/api/me/terms-acceptance")
                    && authorization != null) {
                onAcceptance.accept(authorization.substring("Bearer ".length()));
            }
            int status = exchange.getRequestURI().getPath().equals("/api/terms/broken") ? 500 : 200;
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
