package health.portal.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for messaging-service: answers the patient routes of {@code messaging-service/API.md} from memory, one
 * mailbox per {@code patient_id} of the relayed token (read, not verified: the gateway verified it), and keeps what
 * reached it ({@link #seen}) so tests see what the gateway relayed and what it never sent on. Like the real service
 * it refuses calls without a token and a message whose sender did not confirm it concerns only them.
 */
final class MessagingStandIn {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static final String EMERGENCY_NOTICE =
            "Messages are not for urgent issues. For an emergency call 9-1-1 or go to " + "the nearest emergency room.";

    static final String EMERGENCY_WARNING = "If this is an emergency, call 9-1-1 now.";

    private static final Set<String> CATEGORIES =
            Set.of("medical-question", "prescription-renewal", "appointment", "billing", "other");

    private static final Pattern EMERGENCY = Pattern.compile("chest pain|can't breathe|suicidal|overdose");

    private static final Pattern THREAD = Pattern.compile("/api/messages/([^/]+)(/replies|/read)?");

    private static final Pattern ATTACHMENT = Pattern.compile("/api/messages/([^/]+)/attachments/([^/]+)");

    private static final Set<String> ATTACHMENT_TYPES =
            Set.of("application/pdf", "image/jpeg", "image/png", "text/plain");

    private static final Pattern ASSIGNMENT = Pattern.compile("/api/questionnaires/([^/]+)(/response|/done)?");

    /** What reached this service: method, path, query, Authorization, body length, marker. */
    record Seen(String method, String path, String query, String authorization, long bodyLength, String marker) {}

    final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

    /** Each patient's threads (id to thread) and assignments, made on their first call. */
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();

    private final HttpServer server;

    MessagingStandIn() {
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
                body.length,
                exchange.getRequestHeaders().getFirst("X-Test-Marker")));
        // headers the gateway must override or drop
        exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
        exchange.getResponseHeaders().set("Server", "messaging-standin/1.0");
        exchange.getResponseHeaders().add("Set-Cookie", "downstream=1; Path=/");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            problem(exchange, 401, "unauthenticated", "No token.");
            return;
        }
        Mailbox mailbox = mailboxes.computeIfAbsent(patientId(authorization), id -> new Mailbox());
        synchronized (mailbox) {
            try {
                answer(exchange, method, path, body.length == 0 ? null : JSON.readTree(body), mailbox);
            } catch (RuntimeException unreadable) {
                problem(exchange, 400, "validation", "Unreadable request.");
            }
        }
    }

    private void answer(HttpExchange exchange, String method, String path, JsonNode body, Mailbox mailbox)
            throws IOException {
        Matcher thread = THREAD.matcher(path);
        Matcher attachment = ATTACHMENT.matcher(path);
        Matcher assignment = ASSIGNMENT.matcher(path);
        if (path.equals("/api/messages/recipients") && method.equals("GET")) {
            json(
                    exchange,
                    200,
                    Map.of(
                            "recipients",
                                    List.of(
                                            Map.of(
                                                    "reference",
                                                    "Practitioner/pcp-morgan",
                                                    "name",
                                                    "Dr. Avery Morgan",
                                                    "role",
                                                    "Primary care physician",
                                                    "available",
                                                    true),
                                            Map.of(
                                                    "reference",
                                                    "Practitioner/np-lee",
                                                    "name",
                                                    "Jordan Lee, NP",
                                                    "role",
                                                    "Nurse practitioner",
                                                    "available",
                                                    false,
                                                    "coveredBy",
                                                    Map.of(
                                                            "reference",
                                                            "Practitioner/dr-shah",
                                                            "name",
                                                            "Dr. Priya Shah"))),
                            "practice", Map.of("name", "Portal Health Family Medicine", "phone", "(555) 010-0100"),
                            "emergencyNotice", EMERGENCY_NOTICE));
        } else if (path.equals("/api/messages") && method.equals("GET")) {
            json(
                    exchange,
                    200,
                    mailbox.threads.values().stream()
                            .map(Thread::summary)
                            .toList()
                            .reversed());
        } else if (path.equals("/api/messages") && method.equals("POST")) {
            String invalid = invalid(body, true);
            if (invalid != null) {
                problem(exchange, 400, "validation", invalid);
                return;
            }
            boolean away = body.path("recipient").asString().equals("Practitioner/np-lee");
            Thread created = new Thread(
                    "thr-" + (mailbox.threads.size() + 1),
                    body.path("category").asString(),
                    body.path("subject").asString(),
                    away
                            ? Map.of("reference", "Practitioner/dr-shah", "name", "Dr. Priya Shah")
                            : Map.of("reference", "Practitioner/pcp-morgan", "name", "Dr. Avery Morgan"));
            created.add("patient", "You", body.path("body").asString(), body.path("attachments"));
            mailbox.threads.put(created.id, created);
            json(exchange, 201, sent(created, body, away));
        } else if (attachment.matches() && method.equals("GET")) {
            Thread found = mailbox.threads.get(attachment.group(1));
            byte[] bytes = found == null ? null : found.files.get(attachment.group(2));
            if (bytes == null) {
                problem(exchange, 404, "not-found", "No such attachment.");
                return;
            }
            exchange.getResponseHeaders()
                    .set("Content-Disposition", "attachment; filename=\"" + attachment.group(2) + "\"");
            send(exchange, 200, "application/octet-stream", bytes);
        } else if (thread.matches() && thread.group(2) == null && method.equals("GET")) {
            Thread found = mailbox.threads.get(thread.group(1));
            if (found == null) {
                problem(exchange, 404, "not-found", "No such thread.");
                return;
            }
            found.unread = false;
            json(exchange, 200, found.full());
        } else if (thread.matches() && "/replies".equals(thread.group(2)) && method.equals("POST")) {
            Thread found = mailbox.threads.get(thread.group(1));
            String invalid = invalid(body, false);
            if (found == null || invalid != null) {
                problem(exchange, found == null ? 404 : 400, found == null ? "not-found" : "validation", invalid);
                return;
            }
            found.add("patient", "You", body.path("body").asString(), body.path("attachments"));
            json(exchange, 201, sent(found, body, false));
        } else if (thread.matches() && "/read".equals(thread.group(2)) && method.equals("PUT")) {
            Thread found = mailbox.threads.get(thread.group(1));
            if (found == null) {
                problem(exchange, 404, "not-found", "No such thread.");
                return;
            }
            found.unread = !body.path("read").asBoolean();
            json(exchange, 200, found.summary());
        } else if (path.equals("/api/questionnaires/preferences")) {
            if (method.equals("PUT")) {
                mailbox.surveys = body.path("surveys").asBoolean();
            }
            json(exchange, 200, Map.of("surveys", mailbox.surveys));
        } else if (path.equals("/api/questionnaires") && method.equals("GET")) {
            json(
                    exchange,
                    200,
                    mailbox.assignments.values().stream()
                            .map(a -> Map.of(
                                    "id",
                                    a.get("id"),
                                    "kind",
                                    a.get("kind"),
                                    "status",
                                    a.get("status"),
                                    "title",
                                    a.get("title"),
                                    "assignedAt",
                                    "2026-11-20T15:00:00Z"))
                            .toList());
        } else if (assignment.matches() && mailbox.assignments.containsKey(assignment.group(1))) {
            Map<String, Object> found = mailbox.assignments.get(assignment.group(1));
            if (assignment.group(2) == null && method.equals("GET")) {
                json(exchange, 200, found);
            } else if (method.equals("POST")
                    && "/response".equals(assignment.group(2))
                    && found.get("kind").equals("survey")) {
                mailbox.answers.put((String) found.get("id"), body.path("answers"));
                found.put("status", "completed");
                json(exchange, 201, Map.of("id", found.get("id"), "status", "completed"));
            } else if (method.equals("POST")
                    && "/done".equals(assignment.group(2))
                    && found.get("kind").equals("lesson")) {
                found.put("status", "completed");
                json(exchange, 200, Map.of("id", found.get("id"), "status", "completed"));
            } else {
                problem(exchange, 400, "validation", "Not for this assignment.");
            }
        } else {
            problem(exchange, 404, "not-found", "Not found.");
        }
    }

    /** The survey answers a patient sent, by assignment id (null if none). */
    JsonNode answersOf(String patientId, String assignmentId) {
        Mailbox mailbox = mailboxes.get(patientId);
        return mailbox == null ? null : mailbox.answers.get(assignmentId);
    }

    /** API.md's limits and the confirmation that the message concerns only the sender; null when valid. */
    private static String invalid(JsonNode body, boolean compose) {
        if (body == null
                || !body.path("concernsOnlyMe").isBoolean()
                || !body.path("concernsOnlyMe").asBoolean()) {
            return "Please confirm that this message is only about you.";
        }
        String text = body.path("body").asString("");
        if (text.isBlank() || text.length() > 10_000) {
            return "The message must have 1 to 10,000 characters.";
        }
        if (compose) {
            String subject = body.path("subject").asString("");
            if (subject.isBlank()
                    || subject.length() > 200
                    || !CATEGORIES.contains(body.path("category").asString())) {
                return "Subject and category are required.";
            }
        }
        JsonNode attachments = body.path("attachments");
        if (attachments.size() > 3) {
            return "At most 3 attachments.";
        }
        for (JsonNode attachment : attachments) {
            if (!ATTACHMENT_TYPES.contains(attachment.path("contentType").asString())
                    || Base64.getDecoder().decode(attachment.path("data").asString()).length > 1024 * 1024) {
                return "Attachments: PDF, JPEG, PNG or plain text of at most 1 MB.";
            }
        }
        return null;
    }

    private static Map<String, Object> sent(Thread thread, JsonNode body, boolean routedToCovering) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("threadId", thread.id); // as messaging-service answers (its PatientMessagesController.Accepted)
        answer.put("assignedTo", thread.assignedTo);
        answer.put("routedToCovering", routedToCovering);
        answer.put("dueBy", thread.dueBy);
        answer.put("filed", true);
        answer.put("emergencyNotice", EMERGENCY_NOTICE);
        if (EMERGENCY
                .matcher(body.path("body").asString().toLowerCase(java.util.Locale.ROOT))
                .find()) {
            answer.put("emergencyWarning", EMERGENCY_WARNING);
        }
        return answer;
    }

    private static String patientId(String authorization) {
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        if (parts.length < 2) {
            return "";
        }
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]))
                .path("patient_id")
                .asString("");
    }

    private static void problem(HttpExchange exchange, int status, String slug, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://portal.health/problems/" + slug);
        problem.put("title", slug);
        problem.put("status", status);
        problem.put("detail", detail == null ? "" : detail);
        send(exchange, status, "application/problem+json", JSON.writeValueAsBytes(problem));
    }

    private static void json(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(value));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class Mailbox {
        final Map<String, Thread> threads = new LinkedHashMap<>();
        final Map<String, Map<String, Object>> assignments = new LinkedHashMap<>();
        final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
        boolean surveys = true;

        Mailbox() {
            Thread fromClinic = new Thread(
                    "thr-clinic",
                    "other",
                    "Your flu shot",
                    Map.of("reference", "Practitioner/pcp-morgan", "name", "Dr. Avery Morgan"));
            fromClinic.add(
                    "care-team",
                    "Dr. Avery Morgan",
                    "Flu shots are available from Monday.\nNo appointment needed. Other places that give them: "
                            + "https://www.vaccines.gov/find-vaccines/.\nNot a link: javascript:alert(1)",
                    null);
            threads.put(fromClinic.id, fromClinic);
            assignments.put(
                    "asg-survey",
                    new LinkedHashMap<>(Map.of(
                            "id",
                            "asg-survey",
                            "kind",
                            "survey",
                            "status",
                            "assigned",
                            "title",
                            "How was your visit?",
                            "description",
                            "Three short questions.",
                            "items",
                            List.of(
                                    Map.of(
                                            "linkId",
                                            "rating",
                                            "text",
                                            "How would you rate your visit?",
                                            "type",
                                            "choice",
                                            "options",
                                            List.of("Good", "Fair", "Poor"),
                                            "required",
                                            true),
                                    Map.of(
                                            "linkId",
                                            "again",
                                            "text",
                                            "Would you see us again?",
                                            "type",
                                            "boolean",
                                            "required",
                                            false),
                                    Map.of(
                                            "linkId",
                                            "comment",
                                            "text",
                                            "Anything else?",
                                            "type",
                                            "text",
                                            "required",
                                            false)))));
            assignments.put(
                    "asg-lesson",
                    new LinkedHashMap<>(Map.of(
                            "id",
                            "asg-lesson",
                            "kind",
                            "lesson",
                            "status",
                            "assigned",
                            "title",
                            "Managing your blood pressure",
                            "description",
                            "A two-minute read.",
                            "items",
                            List.of(Map.of(
                                    "linkId",
                                    "intro",
                                    "type",
                                    "display",
                                    "text",
                                    "Check your blood pressure at the same time each day. How: "
                                            + "https://www.heart.org/en/health-topics/high-blood-pressure.")))));
        }
    }

    private static final class Thread {
        final String id;
        final String category;
        final String subject;
        final Map<String, String> assignedTo;
        final String dueBy = Instant.now()
                .plus(3, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.HOURS)
                .toString();
        final List<Map<String, Object>> messages = new ArrayList<>();
        final Map<String, byte[]> files = new ConcurrentHashMap<>();
        boolean unread;

        Thread(String id, String category, String subject, Map<String, String> assignedTo) {
            this.id = id;
            this.category = category;
            this.subject = subject;
            this.assignedTo = assignedTo;
        }

        void add(String from, String senderName, String body, JsonNode attachments) {
            String messageId = id + "-m" + (messages.size() + 1);
            List<Map<String, Object>> described = new ArrayList<>();
            if (attachments != null) {
                for (JsonNode attachment : attachments) {
                    String attachmentId = messageId + "-a" + (described.size() + 1);
                    byte[] bytes =
                            Base64.getDecoder().decode(attachment.path("data").asString());
                    files.put(attachmentId, bytes);
                    described.add(Map.of(
                            "id",
                            attachmentId,
                            "contentType",
                            attachment.path("contentType").asString(),
                            "title",
                            attachment.path("title").asString(),
                            "size",
                            bytes.length));
                }
            }
            messages.add(Map.of(
                    "id",
                    messageId,
                    "from",
                    from,
                    "senderName",
                    senderName,
                    "sentAt",
                    Instant.now().toString(),
                    "subject",
                    messages.isEmpty() ? subject : "",
                    "body",
                    body,
                    "attachments",
                    described,
                    "filed",
                    true));
            unread = from.equals("care-team");
        }

        Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("id", id);
            summary.put("category", category);
            summary.put("status", "open");
            summary.put("unread", unread);
            summary.put("assignedTo", assignedTo);
            summary.put("openedAt", messages.getFirst().get("sentAt"));
            summary.put("lastMessageAt", messages.getLast().get("sentAt"));
            summary.put("dueBy", dueBy);
            summary.put("subject", subject);
            return summary;
        }

        Map<String, Object> full() {
            Map<String, Object> full = summary();
            full.put("messages", messages);
            return full;
        }
    }
}
