package health.portal.benchmarks.proxy;

import health.portal.benchmarks.support.LoopbackHttp;
import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Module bare-gateway's runnable jar: Spring Cloud Gateway on Reactor Netty with TLS and one route to the backend,
 * none of the portal's protections. Started with the same JVM options as the portal's gateway.
 */
final class BareGatewayProcess implements AutoCloseable {

    private final ChildProcess process;
    private final int port;

    private BareGatewayProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static BareGatewayProcess start(Path projectRoot, String backendUrl, List<String> jvmOptions, Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NginxProxy.Pem pem = NginxProxy.throwawayCertificate(directory);
        int port = FreePorts.find();
        List<String> command = new ArrayList<>();
        command.add(StandaloneGateway.javaBinary());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                runnableJar(projectRoot.resolve("benchmarks/bare-gateway/target"))
                        .toString(),
                "--server.port=" + port,
                "--server.ssl.certificate=" + pem.certificate(),
                "--server.ssl.certificate-private-key=" + pem.key(),
                "--bare.backend-uri=" + backendUrl));
        ChildProcess process = ChildProcess.start(
                "bare-gateway", command, Map.of(), projectRoot, directory.resolve("bare-gateway.log"));
        HttpClient http = LoopbackHttp.client();
        try {
            // the route answers once the backend does: the bare gateway has no health endpoint of its own
            process.awaitReady(Duration.ofMinutes(2), () -> {
                var answer = LoopbackHttp.get(http, "https://127.0.0.1:" + port + "/api/me", null);
                return answer != null && answer.statusCode() == 200;
            });
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return new BareGatewayProcess(process, port);
    }

    String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.close();
    }

    private static Path runnableJar(Path target) {
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches("bare-gateway-.*-exec\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable bare-gateway jar in " + target
                            + ": build it first (-am in the benchmark command does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
