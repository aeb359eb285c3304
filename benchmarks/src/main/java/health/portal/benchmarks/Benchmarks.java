package health.portal.benchmarks;

import health.portal.benchmarks.messaging.MessagingBenchmark;
import health.portal.benchmarks.proxy.GatewayOverheadBenchmark;
import health.portal.benchmarks.records.RecordsBenchmark;
import health.portal.benchmarks.report.MarkdownReport;
import health.portal.infra.process.InfrastructureSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs the benchmarks named on the command line ({@code records}, {@code gateway-overhead}, {@code messaging} or {@code all}) and
 * writes their results to docs/benchmarks/. Started by {@code ./mvnw -Pbenchmark -pl benchmarks -am package
 * -DskipTests -Dbenchmark=...}; never part of {@code ./mvnw verify}.
 */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // client threads of HTTP/gRPC libraries must not keep the JVM alive
    }

    private static void run(String[] args) {
        Path root = InfrastructureSettings.projectRoot()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "run from the project checkout: the benchmarks start the jars built under each module's target/"));
        Settings settings = Settings.fromSystemProperties(root);
        String which = args.length > 0 ? args[0] : "all";
        List<String> known = List.of("records", "gateway-overhead", "messaging", "all");
        if (!known.contains(which)) {
            throw new IllegalArgumentException("unknown benchmark " + which + "; one of " + known);
        }
        Path work = root.resolve("benchmarks/target/benchmark-run");
        if (which.equals("gateway-overhead") || which.equals("all")) {
            MarkdownReport report = GatewayOverheadBenchmark.run(new GatewayOverheadBenchmark.Parameters(
                    settings.clients(),
                    settings.proxyWarmup(),
                    settings.proxyDuration(),
                    settings.maxRequests(),
                    settings.serviceJvm(),
                    settings.profile(),
                    root,
                    work.resolve("gateway-overhead")));
            System.out.println("Wrote " + report.writeTo(settings.output().resolve("gateway-overhead.md")));
            System.out.println(report.text());
        }
        if (which.equals("records") || which.equals("all")) {
            MarkdownReport report = RecordsBenchmark.run(new RecordsBenchmark.Parameters(
                    settings.clients(),
                    settings.patients(),
                    settings.users(),
                    settings.warmup(),
                    settings.duration(),
                    settings.grpcWarmup(),
                    settings.grpcDuration(),
                    settings.maxRequests(),
                    settings.serviceJvm(),
                    settings.profile(),
                    work.resolve("records/logs")));
            System.out.println("Wrote " + report.writeTo(settings.output().resolve("records-summary.md")));
            System.out.println(report.text());
        }
        if (which.equals("messaging") || which.equals("all")) {
            MarkdownReport report = MessagingBenchmark.run(new MessagingBenchmark.Parameters(
                    settings.clients(),
                    settings.messagingWarmup(),
                    settings.messagingDuration(),
                    settings.noticeSamples(),
                    settings.maxRequests(),
                    settings.serviceJvm(),
                    work.resolve("messaging/logs")));
            System.out.println("Wrote " + report.writeTo(settings.output().resolve("messaging.md")));
            System.out.println(report.text());
        }
    }
}
