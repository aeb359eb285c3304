package health.portal.benchmarks.proxy;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The trivial backend behind both proxies: answers every request on loopback with the same small JSON document, as
 * fast as the JDK's HTTP server can, so that what the benchmark compares is the proxy in front of it.
 */
public final class FixedJsonBackend implements AutoCloseable {

    public static final String BODY = "{\"patientId\":\"bench-patient\",\"username\":\"bench\",\"status\":\"ACTIVE\"}";
    private static final byte[] BYTES = BODY.getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor;
    private final LongAdder served = new LongAdder();
    private final LongAdder withBearer = new LongAdder();

    private FixedJsonBackend(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free loopback port; {@code status} is the answer's status (200 normally; tests use others). */
    public static FixedJsonBackend start(int status) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            ExecutorService executor = Executors.newFixedThreadPool(
                    4, Thread.ofPlatform().daemon().name("backend-", 0).factory());
            FixedJsonBackend backend = new FixedJsonBackend(server, executor);
            server.setExecutor(executor);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    backend.served.increment();
                    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                    if (authorization != null && authorization.startsWith("Bearer ")) {
                        backend.withBearer.increment();
                    }
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.getResponseHeaders().set("Cache-Control", "no-store");
                    exchange.sendResponseHeaders(status, BYTES.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(BYTES);
                    }
                }
            });
            server.start();
            return backend;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Requests answered so far. */
    public long served() {
        return served.sum();
    }

    /** Of those, the ones that arrived with a bearer token (the proxies must pass it on). */
    public long servedWithBearer() {
        return withBearer.sum();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
