package health.portal.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for billing-service: answers the patient routes of {@code billing-service/API.md} from memory, one
 * ledger per {@code patient_id} of the relayed token (read, not verified: the gateway verified it), and keeps what
 * reached it ({@link #seen}). Each patient has one account and two statements whose ids embed the patient id, so
 * another patient's statement id is unknown here (404), as in the real service.
 */
final class BillingStandIn {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern ACCOUNT = Pattern.compile("/api/billing/accounts/([^/]+)");

    private static final Pattern PDF = Pattern.compile("/api/billing/statements/([^/]+)/pdf");

    /** The amount due of the newest statement, as the page must show it. */
    static final String AMOUNT_DUE = "245.10";

    /** What reached this service: method, path, query, Authorization, the forwarded client address, marker. */
    record Seen(String method, String path, String query, String authorization, String forwardedFor, String marker) {}

    final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

    private final Map<String, Boolean> paperless = new ConcurrentHashMap<>();

    private final HttpServer server;

    BillingStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    boolean reached(String marker) {
        return seen.stream().anyMatch(s -> marker.equals(s.marker()));
    }

    Seen seen(String marker) {
        return seen.stream()
                .filter(s -> marker.equals(s.marker()))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("nothing with marker " + marker + " reached billing"));
    }

    /** The newest statement's id of that patient. */
    static String statementId(String patientId) {
        return "stmt-" + patientId + "-2026-11";
    }

    /** The PDF of a statement: fixed bytes, the same every time (binary, to see nothing is re-encoded). */
    static byte[] pdf(String statementId) {
        byte[] text = ("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n" + statementId + "\nAmount due $" + AMOUNT_DUE
                        + "\n%%EOF\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[text.length + 256];
        System.arraycopy(text, 0, bytes, 0, text.length);
        for (int i = 0; i < 256; i++) {
            bytes[text.length + i] = (byte) i;
        }
        return bytes;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (var in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        seen.add(new Seen(
                method,
                path,
                exchange.getRequestURI().getRawQuery(),
                authorization,
                exchange.getRequestHeaders().getFirst("X-Forwarded-For"),
                exchange.getRequestHeaders().getFirst("X-Test-Marker")));
        // headers the gateway must override or drop
        exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
        exchange.getResponseHeaders().set("Server", "billing-standin/1.0");
        exchange.getResponseHeaders().add("Set-Cookie", "downstream=1; Path=/");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            problem(exchange, 401, "unauthenticated", "No token.");
            return;
        }
        try {
            answer(exchange, method, path, body.length == 0 ? null : JSON.readTree(body), patientId(authorization));
        } catch (RuntimeException unreadable) {
            problem(exchange, 400, "validation", "Unreadable request.");
        }
    }

    private void answer(HttpExchange exchange, String method, String path, JsonNode body, String patientId)
            throws IOException {
        Matcher account = ACCOUNT.matcher(path);
        Matcher pdf = PDF.matcher(path);
        if (path.equals("/api/billing/summary") && method.equals("GET")) {
            json(
                    exchange,
                    Map.of(
                            "accounts", List.of(account(patientId)),
                            "statements", statements(patientId),
                            "paperless", paperless(patientId)));
        } else if (account.matches() && method.equals("GET")) {
            if (!account.group(1).equals(accountId(patientId))) {
                problem(exchange, 404, "not-found", "No such account.");
                return;
            }
            Map<String, Object> found = account(patientId);
            found.put("statements", statements(patientId));
            json(exchange, found);
        } else if (path.equals("/api/billing/statements") && method.equals("GET")) {
            json(exchange, statements(patientId));
        } else if (pdf.matches() && method.equals("GET")) {
            boolean own = statements(patientId).stream()
                    .anyMatch(s -> s.get("statementId").equals(pdf.group(1)));
            if (!own) {
                problem(exchange, 404, "not-found", "No such statement.");
                return;
            }
            exchange.getResponseHeaders()
                    .set("Content-Disposition", "attachment; filename=\"statement-2026-11-30.pdf\"");
            send(exchange, 200, "application/pdf", pdf(pdf.group(1)));
        } else if (path.equals("/api/billing/paperless") && method.equals("GET")) {
            json(exchange, paperless(patientId));
        } else if (path.equals("/api/billing/paperless") && method.equals("PUT")) {
            if (body == null || !body.path("paperless").isBoolean()) {
                problem(exchange, 400, "validation", "paperless must be true or false.");
                return;
            }
            paperless.put(patientId, body.path("paperless").asBoolean());
            json(exchange, paperless(patientId));
        } else {
            problem(exchange, 404, "not-found", "Not found.");
        }
    }

    boolean paperlessOf(String patientId) {
        return paperless.getOrDefault(patientId, true);
    }

    private static String accountId(String patientId) {
        return "acct-" + patientId;
    }

    private static Map<String, Object> account(String patientId) {
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("accountId", accountId(patientId));
        account.put("name", "Portal Health Hospital");
        account.put("currency", "USD");
        account.put("balance", money(24510));
        account.put(
                "aging",
                Map.of(
                        "current", money(12000),
                        "days31To60", money(8010),
                        "days61To90", money(4500),
                        "over90", money(0)));
        return account;
    }

    private static List<Map<String, Object>> statements(String patientId) {
        return List.of(
                statement(statementId(patientId), patientId, "2026-11-01", "2026-11-30", 12510, 24510, "2026-12-25"),
                statement(
                        "stmt-" + patientId + "-2026-10",
                        patientId,
                        "2026-10-01",
                        "2026-10-31",
                        0,
                        12510,
                        "2026-11-25"));
    }

    private static Map<String, Object> statement(
            String id, String patientId, String start, String end, long previous, long due, String dueDate) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("statementId", id);
        statement.put("accountId", accountId(patientId));
        statement.put("periodStart", start);
        statement.put("periodEnd", end);
        statement.put("previousBalance", money(previous));
        statement.put("amountDue", money(due));
        statement.put("dueDate", dueDate);
        statement.put("issuedAt", end + "T06:00:00Z");
        statement.put("delivery", "PAPERLESS");
        return statement;
    }

    private Map<String, Object> paperless(String patientId) {
        boolean on = paperlessOf(patientId);
        return Map.of(
                "paperless",
                on,
                "since",
                Instant.parse("2026-11-02T15:00:00Z").toString(),
                "changedBy",
                paperless.containsKey(patientId) ? "PATIENT" : "ENROLLMENT");
    }

    private static Map<String, Object> money(long minor) {
        return Map.of(
                "amountMinor",
                minor,
                "currency",
                "USD",
                "amount",
                java.math.BigDecimal.valueOf(minor, 2).toPlainString());
    }

    private static String patientId(String authorization) {
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        if (parts.length < 2) {
            return "";
        }
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]))
                .path("patient_id")
                .asString("");
    }

    private static void json(HttpExchange exchange, Object body) throws IOException {
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void problem(HttpExchange exchange, int status, String slug, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://portal.health/problems/" + slug);
        problem.put("title", slug);
        problem.put("status", status);
        problem.put("detail", detail);
        send(exchange, status, "application/problem+json", JSON.writeValueAsBytes(problem));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
