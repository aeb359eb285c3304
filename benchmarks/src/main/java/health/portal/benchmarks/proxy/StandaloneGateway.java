package health.portal.benchmarks.proxy;

import health.portal.benchmarks.support.LoopbackHttp;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.redis.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The gateway's runnable jar alone, with what it needs to check a request: Keycloak (token keys), Redis (rate-limit
 * counters, deny list) and Kafka (one audit event per API request). Its identity route ({@code /api/me}) points at
 * the given backend. Rate limits stay on (so their Redis round trips are measured) but are set far above the load.
 */
public final class StandaloneGateway implements AutoCloseable {

    private final List<AutoCloseable> started;
    private final KeycloakServer keycloak;
    private final int port;
    private final List<String> jvmOptions;
    private final long pid;

    private StandaloneGateway(
            List<AutoCloseable> started, KeycloakServer keycloak, int port, List<String> jvmOptions, long pid) {
        this.started = started;
        this.keycloak = keycloak;
        this.port = port;
        this.jvmOptions = jvmOptions;
        this.pid = pid;
    }

    public static StandaloneGateway start(Path projectRoot, String backendUrl, List<String> jvmOptions, Path logs) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Path jar = runnableJar(projectRoot.resolve("gateway/target"));
            RedisServer redis = RedisServer.shared();
            int kafkaPort = FreePorts.find();
            ChildProcess kafka = ChildProcess.start(
                    "kafka",
                    List.of(
                            javaBinary(),
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "health.portal.infra.kafka.KafkaBroker",
                            Integer.toString(kafkaPort)),
                    Map.of(),
                    projectRoot,
                    logs.resolve("kafka.log"));
            started.add(kafka);
            CompletableFuture<KeycloakServer> keycloakStart =
                    CompletableFuture.supplyAsync(() -> KeycloakServer.start(FreePorts.find(), FreePorts.find(), logs));
            kafka.awaitReady(Duration.ofMinutes(2), () -> FreePorts.isListening("127.0.0.1", kafkaPort));
            KeycloakServer keycloak = keycloakStart.join();
            started.add(keycloak);

            int port = FreePorts.find();
            String issuer = keycloak.issuerUri();
            String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            command.addAll(jvmOptions);
            command.addAll(List.of(
                    "-jar",
                    jar.toString(),
                    "--server.port=" + port,
                    "--server.address=127.0.0.1",
                    "--gateway.tls.redirect-port=" + FreePorts.find(),
                    "--gateway.tls.redirect-address=127.0.0.1",
                    "--management.server.port=" + FreePorts.find(),
                    "--gateway.security.issuer-uri=" + issuer,
                    "--gateway.security.web-client-secret=" + keycloak.clientSecret("portal-web"),
                    // required by the gateway; the benchmark never calls the management port
                    "--gateway.operator.password=" + UUID.randomUUID(),
                    "--spring.data.redis.host=" + redis.host(),
                    "--spring.data.redis.port=" + redis.port(),
                    "--gateway.redis-key-prefix=" + prefix,
                    "--spring.session.data.redis.namespace=" + prefix + "session",
                    // a new session key per run: its sessions die with it
                    "--gateway.session.encryption-keys=bench:" + randomKey(),
                    "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort,
                    "--IDENTITY_SERVICE_URI=" + backendUrl,
                    // never called here; a plaintext channel to a closed port costs nothing
                    "--spring.grpc.client.channels.records.address=static://127.0.0.1:" + FreePorts.find(),
                    "--spring.grpc.client.channels.records.negotiation-type=plaintext",
                    "--gateway.rate-limit.per-address=1000000000",
                    "--gateway.rate-limit.per-user=1000000000"));
            ChildProcess gateway =
                    ChildProcess.start("gateway", command, Map.of(), projectRoot, logs.resolve("gateway.log"));
            started.add(gateway);
            HttpClient http = LoopbackHttp.client();
            gateway.awaitReady(
                    Duration.ofMinutes(4),
                    () -> LoopbackHttp.isUp(http, "https://127.0.0.1:" + port + "/actuator/health"));
            return new StandaloneGateway(started, keycloak, port, jvmOptions, gateway.pid());
        } catch (RuntimeException e) {
            close(started);
            throw e;
        }
    }

    public KeycloakServer keycloak() {
        return keycloak;
    }

    public String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    /** The gateway's process (not Keycloak's, Kafka's or Redis's). */
    public long pid() {
        return pid;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    @Override
    public void close() {
        close(started);
    }

    private static void close(List<AutoCloseable> started) {
        List<AutoCloseable> reversed = new ArrayList<>(started);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable process : reversed) {
            try {
                process.close();
            } catch (Exception e) {
                // keep stopping the others
            }
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Path runnableJar(Path target) {
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches("gateway-.*-exec\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable gateway jar in " + target
                            + ": build it first (-am in the benchmark command does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }
}
