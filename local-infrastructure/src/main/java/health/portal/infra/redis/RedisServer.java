package health.portal.infra.redis;

import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Redis: the one at 127.0.0.1:6379 when it answers (PORTAL_REDIS_HOST, PORTAL_REDIS_PORT), otherwise a
 * {@code redis-server} from the PATH started on a free port without persistence.
 */
public final class RedisServer implements AutoCloseable {

    private static volatile RedisServer shared;

    private final String host;
    private final int port;
    private final ChildProcess process;

    private RedisServer(String host, int port, ChildProcess process) {
        this.host = host;
        this.port = port;
        this.process = process;
    }

    public static RedisServer shared() {
        if (shared == null) {
            synchronized (RedisServer.class) {
                if (shared == null) {
                    RedisServer created = locate();
                    Runtime.getRuntime().addShutdownHook(new Thread(created::close, "redis-stop"));
                    shared = created;
                }
            }
        }
        return shared;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    private static RedisServer locate() {
        String host = InfrastructureSettings.env("PORTAL_REDIS_HOST").orElse("127.0.0.1");
        int port =
                Integer.parseInt(InfrastructureSettings.env("PORTAL_REDIS_PORT").orElse("6379"));
        if (FreePorts.isListening(host, port)) {
            return new RedisServer(host, port, null);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                int free = FreePorts.find();
                ChildProcess process = ChildProcess.start(
                        "Redis",
                        List.of(
                                candidate.toString(),
                                "--bind",
                                "127.0.0.1",
                                "--port",
                                String.valueOf(free),
                                "--save",
                                "",
                                "--appendonly",
                                "no"),
                        Map.of(),
                        Path.of(System.getProperty("java.io.tmpdir")),
                        InfrastructureSettings.testLogDirectory().resolve("redis-" + free + ".log"));
                process.awaitReady(Duration.ofSeconds(30), () -> FreePorts.isListening("127.0.0.1", free));
                return new RedisServer("127.0.0.1", free, process);
            }
        }
        throw new IllegalStateException("No Redis: none answers at " + host + ":" + port
                + " and no redis-server is on the PATH. Install Redis (Debian: apt-get install redis-server) or set "
                + "PORTAL_REDIS_HOST/PORTAL_REDIS_PORT.");
    }
}
