package health.portal.gateway;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stands in for identity-service: answers every request with what it received (path, Authorization, Cookie), so
 * tests see exactly what the gateway relays. It also sets cache and server headers the gateway must override.
 * {@code /api/terms/broken} answers 500 like a failing downstream.
 */
final class IdentityEchoServer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;

    IdentityEchoServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        server.createContext("/", exchange -> {
            Map<String, Object> echo = new LinkedHashMap<>();
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
