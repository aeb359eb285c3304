package health.portal.emr.adapter.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A SMART Backend Services token endpoint on a JDK HttpServer that does what an EMR's authorization server does
 * with a client assertion: checks the signature against the registered public key and the claims (iss = sub =
 * client id, aud = this endpoint, exp in the future and at most five minutes away, jti never seen before).
 */
final class TokenEndpoint implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String clientId;
    private final PublicKey publicKey;
    private final String expectedAlg;
    private final Set<String> seenJti = ConcurrentHashMap.newKeySet();
    final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    final List<String> rejections = new CopyOnWriteArrayList<>();
    volatile long expiresIn = 300;
    volatile java.util.function.Supplier<Instant> clock = Instant::now;

    TokenEndpoint(String clientId, PublicKey publicKey, String expectedAlg) throws IOException {
        this.clientId = clientId;
        this.publicKey = publicKey;
        this.expectedAlg = expectedAlg;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> form = new HashMap<>();
            for (String pair : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int i = pair.indexOf('=');
                form.put(pair.substring(0, i), URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
            String problem = check(ex, form);
            if (problem != null) {
                rejections.add(problem);
                send(ex, 400, "{\"error\":\"invalid_client\",\"error_description\":\"" + problem + "\"}");
                return;
            }
            String token = "tok-" + issuedTokens.size();
            issuedTokens.add(token);
            send(
                    ex,
                    200,
                    "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":" + expiresIn
                            + ",\"scope\":\"" + form.get("scope") + "\"}");
        }
    }

    private String check(HttpExchange ex, Map<String, String> form) {
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                return "method";
            }
            if (!"client_credentials".equals(form.get("grant_type"))) {
                return "grant_type";
            }
            if (!SmartBackendAuth.ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
                return "client_assertion_type";
            }
            String[] jwt = form.get("client_assertion").split("\\.");
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            if (!expectedAlg.equals(header.path("alg").asText())) {
                return "alg";
            }
            Signature verifier = Signature.getInstance(
                    "RS384".equals(expectedAlg) ? "SHA384withRSA" : "SHA384withECDSAinP1363Format");
            verifier.initVerify(publicKey);
            verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
                return "signature";
            }
            if (!clientId.equals(claims.path("iss").asText())
                    || !clientId.equals(claims.path("sub").asText())) {
                return "iss/sub";
            }
            if (!uri().toString().equals(claims.path("aud").asText())) {
                return "aud";
            }
            long exp = claims.path("exp").asLong();
            long now = clock.get().getEpochSecond();
            if (exp <= now || exp > now + 300 + 5) {
                return "exp";
            }
            String jti = claims.path("jti").asText();
            if (jti.isEmpty() || !seenJti.add(jti)) {
                return "jti replay";
            }
            return null;
        } catch (Exception e) {
            return "malformed: " + e.getClass().getSimpleName();
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
