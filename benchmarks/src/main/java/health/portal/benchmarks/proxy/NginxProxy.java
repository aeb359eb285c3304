package health.portal.benchmarks.proxy;

import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * nginx as the reference reverse proxy: a child process in the foreground with a configuration file of ours, TLS on
 * a loopback port with a throwaway EC P-256 certificate (the kind the gateway generates), keep-alive to the clients
 * and to the backend. It passes the request (Authorization header included) through without checking anything.
 */
public final class NginxProxy implements AutoCloseable {

    private final ChildProcess process;
    private final int port;

    private NginxProxy(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    long pid() {
        return process.pid();
    }

    public static NginxProxy start(int backendPort, Path directory) {
        int port = FreePorts.find();
        try {
            Files.createDirectories(directory.resolve("logs"));
            Files.createDirectories(directory.resolve("temp"));
            Pem pem = throwawayCertificate(directory);
            Path certificate = pem.certificate();
            Path key = pem.key();
            Path config = directory.resolve("nginx.conf");
            Files.writeString(config, config(port, backendPort, directory, certificate, key));
            ChildProcess process = ChildProcess.start(
                    "nginx",
                    List.of("nginx", "-p", directory.toString(), "-c", config.toString()),
                    Map.of(),
                    directory,
                    directory.resolve("logs/nginx-process.log"));
            process.awaitReady(Duration.ofSeconds(30), () -> FreePorts.isListening("127.0.0.1", port));
            return new NginxProxy(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate and its key, PEM files. */
    record Pem(Path certificate, Path key) {}

    /** A throwaway EC P-256 certificate for localhost and 127.0.0.1 (the kind the gateway generates). */
    static Pem throwawayCertificate(Path directory) {
        Path certificate = directory.resolve("cert.pem");
        Path key = directory.resolve("key.pem");
        run(
                List.of(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        certificate.toString()),
                directory);
        return new Pem(certificate, key);
    }

    /** The configuration: as plain as a production reverse proxy of one upstream, access log off. */
    static String config(int port, int backendPort, Path directory, Path certificate, Path key) {
        return """
                daemon off;
                master_process on;
                worker_processes auto;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events {
                    worker_connections 4096;
                }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp/client;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    keepalive_timeout 120s;
                    keepalive_requests 100000000;
                    upstream backend {
                        server 127.0.0.1:%2$d;
                        keepalive 128;
                        keepalive_requests 100000000;
                    }
                    server {
                        listen 127.0.0.1:%3$d ssl;
                        ssl_certificate %4$s;
                        ssl_certificate_key %5$s;
                        ssl_protocols TLSv1.2 TLSv1.3;
                        location / {
                            proxy_pass http://backend;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $remote_addr;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                }
                """.formatted(
                directory.toAbsolutePath(), backendPort, port, certificate.toAbsolutePath(), key.toAbsolutePath());
    }

    public static boolean available() {
        return health.portal.benchmarks.report.Machine.toolVersion("nginx", "-v")
                .isPresent();
    }

    public String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    @Override
    public void close() {
        process.close();
    }

    private static void run(List<String> command, Path directory) {
        try {
            Process process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command.getFirst() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
