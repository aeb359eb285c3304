package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small FHIR read/search endpoint over fixture resources, on a JDK HttpServer, for unit tests that must not wait
 * for the sandbox: it pages search results (next links with _offset) and can misbehave on demand (HTTP 500,
 * non-FHIR bodies, slowness, a required bearer token). The real FHIR server is exercised in the sandbox tests.
 */
final class FixtureFhirServer implements AutoCloseable {

    enum Mode {
        NORMAL,
        ERROR_500,
        GARBAGE,
        SLOW
    }

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private final HttpServer server;
    private final List<Resource> resources = new ArrayList<>();
    final AtomicReference<Mode> mode = new AtomicReference<>(Mode.NORMAL);
    final AtomicInteger requests = new AtomicInteger();
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Each request's query string ("" when none), in step with {@link #paths}. */
    final List<String> queries = new CopyOnWriteArrayList<>();
    /** Query parameters answered with 400, as a server that does not support them does. */
    final Set<String> refusedParameters = ConcurrentHashMap.newKeySet();
    /** Query parameters answered with 500, as a server that cannot cope with those searches does. */
    final Set<String> failingParameters = ConcurrentHashMap.newKeySet();

    volatile String requiredBearer;
    volatile long slowMillis = 3000;

    FixtureFhirServer(String... fixtureFiles) throws IOException {
        for (String file : fixtureFiles) {
            try (InputStream in = FixtureFhirServer.class.getResourceAsStream("/fixtures/" + file)) {
                Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, in);
                b.getEntry().forEach(e -> resources.add(e.getResource()));
            }
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/fhir", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String path = ex.getRequestURI().getPath().substring("/fhir".length());
        paths.add(path);
        queries.add(String.valueOf(Objects.requireNonNullElse(ex.getRequestURI().getRawQuery(), "")));
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        try (ex) {
            if (requiredBearer != null
                    && !("Bearer " + requiredBearer)
                            .equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, "application/fhir+json", outcome("unauthorized"));
                return;
            }
            switch (mode.get()) {
                case ERROR_500 -> {
                    send(ex, 500, "application/fhir+json", outcome("boom"));
                    return;
                }
                case GARBAGE -> {
                    send(ex, 200, "application/fhir+json", "{\"resourceType\":\"Patient\",\"birthDate\":[{\"oops");
                    return;
                }
                case SLOW -> {
                    try {
                        Thread.sleep(slowMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                default -> {}
            }
            String[] parts = path.replaceFirst("^/", "").split("/");
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            if (query.keySet().stream().anyMatch(failingParameters::contains)) {
                send(ex, 500, "application/fhir+json", outcome("search too expensive"));
                return;
            }
            if (query.keySet().stream().anyMatch(refusedParameters::contains)) {
                send(ex, 400, "application/fhir+json", outcome("parameter not supported"));
                return;
            }
            if (parts.length == 2) {
                Resource found = resources.stream()
                        .filter(r -> r.fhirType().equals(parts[0])
                                && r.getIdElement().getIdPart().equals(parts[1]))
                        .findFirst()
                        .orElse(null);
                if (found == null) {
                    send(ex, 404, "application/fhir+json", outcome("not found"));
                } else {
                    send(ex, 200, "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(found));
                }
                return;
            }
            if (parts.length == 1 && !parts[0].isEmpty() && !"metadata".equals(parts[0])) {
                search(ex, parts[0], query);
                return;
            }
            send(ex, 404, "application/fhir+json", outcome("unsupported"));
        }
    }

    private void search(HttpExchange ex, String type, Map<String, String> query) throws IOException {
        String patient = query.getOrDefault("patient", "").replaceFirst("^Patient/", "");
        String category = query.get("category");
        List<Resource> matches = resources.stream()
                .filter(r -> r.fhirType().equals(type))
                .filter(r -> patient.isEmpty()
                        || FHIR.newJsonParser()
                                .encodeResourceToString(r)
                                .contains("\"reference\":\"Patient/" + patient + "\""))
                .filter(r -> category == null
                        || FHIR.newJsonParser().encodeResourceToString(r).contains("\"code\":\"" + category + "\""))
                .toList();
        int count = Integer.parseInt(query.getOrDefault("_count", "50"));
        int offset = Integer.parseInt(query.getOrDefault("_offset", "0"));
        Bundle page = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(matches.size());
        matches.stream()
                .skip(offset)
                .limit(count)
                .forEach(r -> page.addEntry().setResource(r).getSearch().setMode(Bundle.SearchEntryMode.MATCH));
        if (offset + count < matches.size()) {
            page.addLink()
                    .setRelation("next")
                    .setUrl(baseUrl() + "/" + type + "?patient=" + patient
                            + (category == null ? "" : "&category=" + category) + "&_count=" + count + "&_offset="
                            + (offset + count));
        }
        send(ex, 200, "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(page));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int i = pair.indexOf('=');
            if (i > 0) {
                q.put(
                        URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static String outcome(String text) {
        return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\",\"diagnostics\":\""
                + text + "\"}]}";
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
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
