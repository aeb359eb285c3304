package health.portal.messaging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * identity-service's contacts endpoint as its contract says (identity-service's ContactsTest proves the real one):
 * the address of a known patient to a token of the messaging-service client, 404 for others, 403 for other callers.
 * It can be switched to 503, identity-service away.
 */
public final class ContactsServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private volatile boolean down;

    ContactsServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/internal/contacts/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void add(String patientId, String email) {
        addresses.put(patientId, email);
    }

    public String address(String patientId) {
        return addresses.getOrDefault(patientId, "nobody@example.invalid");
    }

    public void down(boolean down) {
        this.down = down;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String patientId = exchange.getRequestURI().getPath().substring("/internal/contacts/".length());
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (down) {
            reply(exchange, 503, "{\"status\":503}");
        } else if (auth == null
                || !auth.startsWith("Bearer ")
                || !azp(auth.substring(7)).contains("\"azp\":\"messaging-service\"")) {
            reply(exchange, 403, "{\"status\":403}");
        } else if (!addresses.containsKey(patientId)) {
            reply(exchange, 404, "{\"status\":404,\"type\":\"https://portal.health/problems/no-contact\"}");
        } else {
            reply(exchange, 200, "{\"email\":\"" + addresses.get(patientId) + "\"}");
        }
    }

    private static String azp(String jwt) {
        String[] parts = jwt.split("\\.");
        return parts.length < 2
                ? ""
                : new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace(" ", "");
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
