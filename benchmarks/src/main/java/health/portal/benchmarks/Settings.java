package health.portal.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The parameters of a run, from system properties {@code bench.*} (set by the benchmarks pom, overridable). */
record Settings(
        int clients,
        int patients,
        int users,
        Duration warmup,
        Duration duration,
        Duration grpcWarmup,
        Duration grpcDuration,
        Duration proxyWarmup,
        Duration proxyDuration,
        Duration messagingWarmup,
        Duration messagingDuration,
        int noticeSamples,
        long maxRequests,
        List<String> serviceJvm,
        boolean profile,
        Path output) {

    static Settings fromSystemProperties(Path projectRoot) {
        return new Settings(
                integer("bench.clients", 50),
                integer("bench.patients", 10_000),
                integer("bench.users", 50),
                seconds("bench.warmup", 45),
                seconds("bench.duration", 120),
                seconds("bench.grpcWarmup", 30),
                seconds("bench.grpcDuration", 120),
                seconds("bench.proxyWarmup", 20),
                seconds("bench.proxyDuration", 60),
                seconds("bench.messagingWarmup", 20),
                seconds("bench.messagingDuration", 60),
                integer("bench.noticeSamples", 50),
                Long.parseLong(System.getProperty("bench.maxRequests", "5000000")),
                Arrays.stream(System.getProperty("bench.serviceJvm", "-Xmx512m -XX:+UseSerialGC")
                                .trim()
                                .split("\\s+"))
                        .filter(s -> !s.isBlank())
                        .toList(),
                Boolean.parseBoolean(System.getProperty("bench.profile", "true")),
                Path.of(System.getProperty(
                        "bench.output", projectRoot.resolve("docs/benchmarks").toString())));
    }

    private static int integer(String name, int fallback) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(fallback)));
    }

    private static Duration seconds(String name, int fallback) {
        return Duration.ofSeconds(Long.parseLong(System.getProperty(name, Integer.toString(fallback))));
    }
}
