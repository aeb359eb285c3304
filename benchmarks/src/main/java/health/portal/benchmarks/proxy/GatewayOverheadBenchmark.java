package health.portal.benchmarks.proxy;

import health.portal.benchmarks.load.LoadGenerator;
import health.portal.benchmarks.load.LoadResult;
import health.portal.benchmarks.load.WrkRunner;
import health.portal.benchmarks.report.Machine;
import health.portal.benchmarks.report.MarkdownReport;
import health.portal.benchmarks.report.Row;
import health.portal.benchmarks.support.LoopbackHttp;
import health.portal.benchmarks.support.RefreshingToken;
import health.portal.benchmarks.support.TokenRenewal;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issue 5: what the gateway costs. The same authenticated request ({@code GET /api/me} with a patient's bearer
 * token, HTTPS, keep-alive) reaches the same trivial backend once through nginx (a plain reverse proxy) and once
 * through the gateway (token check, rate limits in Redis, audit event to Kafka, token relay), at the same
 * concurrency; the throughput ratio and the added latency are the gateway's price.
 */
public final class GatewayOverheadBenchmark {

    private static final Logger log = LoggerFactory.getLogger(GatewayOverheadBenchmark.class);

    public record Parameters(
            int clients,
            Duration warmup,
            Duration duration,
            long maxRequests,
            List<String> gatewayJvm,
            Path projectRoot,
            Path workDirectory) {}

    /** One target's figures from one load generator. */
    record Pair(Row nginx, Row gateway) {

        double throughputRatio() {
            return gateway.throughput() / nginx.throughput();
        }
    }

    private GatewayOverheadBenchmark() {}

    public static MarkdownReport run(Parameters parameters) {
        if (!NginxProxy.available()) {
            throw new IllegalStateException("nginx is not installed: apt-get install -y nginx");
        }
        if (parameters.duration().compareTo(Duration.ofMinutes(3)) > 0) {
            throw new IllegalArgumentException(
                    "keep the proxy window under 3 minutes: wrk sends one token, " + "valid 5 minutes");
        }
        ZonedDateTime date = ZonedDateTime.now();
        Path logs = parameters.workDirectory().resolve("logs");
        try (FixedJsonBackend backend = FixedJsonBackend.start(200);
                NginxProxy nginx = NginxProxy.start(
                        backend.port(), parameters.workDirectory().resolve("nginx"));
                StandaloneGateway gateway = StandaloneGateway.start(
                        parameters.projectRoot(), backend.baseUrl(), parameters.gatewayJvm(), logs)) {
            KeycloakServer keycloak = gateway.keycloak();
            String username = "bench-proxy-" + UUID.randomUUID().toString().substring(0, 6);
            String password = "Bench-" + UUID.randomUUID();
            keycloak.createPatientUser(
                    username, password, username + "@example.org", "bench-patient", "Bench", "Patient");
            BrowserSignIn.Tokens tokens = BrowserSignIn.signIn(
                    keycloak, "portal-mobile", null, "http://127.0.0.1/callback", username, password);
            RefreshingToken token = RefreshingToken.refreshable(
                    keycloak.issuerUri(), "portal-mobile", tokens.accessToken(), tokens.refreshToken());
            String nginxUrl = nginx.url("/api/me");
            String gatewayUrl = gateway.url("/api/me");
            List<String> checks = sanityChecks(nginxUrl, gatewayUrl, token);

            try (TokenRenewal renewal = new TokenRenewal(List.of(token))) {
                List<Pair> pairs = new ArrayList<>();
                pairs.add(new Pair(
                        Row.of(javaRun("nginx -> backend", nginxUrl, token, parameters)),
                        Row.of(javaRun("gateway -> backend", gatewayUrl, token, parameters))));
                boolean wrk = WrkRunner.available();
                if (wrk) {
                    pairs.add(new Pair(
                            wrkRun("nginx -> backend", nginxUrl, token, parameters),
                            wrkRun("gateway -> backend", gatewayUrl, token, parameters)));
                } else {
                    log.warn("wrk is not installed (apt-get install -y wrk): only the Java harness measures");
                }
                checks.add("The backend answered " + backend.served() + " requests, " + backend.servedWithBearer()
                        + " of them carrying the bearer token (both proxies pass it on).");
                return report(parameters, date, pairs, checks);
            }
        }
    }

    /** Both paths answer the backend's document for a signed-in user; only the gateway refuses a missing token. */
    private static List<String> sanityChecks(String nginxUrl, String gatewayUrl, RefreshingToken token) {
        HttpClient http = LoopbackHttp.client();
        List<String> checks = new ArrayList<>();
        for (String url : List.of(nginxUrl, gatewayUrl)) {
            HttpResponse<String> answer = LoopbackHttp.get(http, url, token.get());
            if (answer == null || answer.statusCode() != 200 || !answer.body().equals(FixedJsonBackend.BODY)) {
                throw new IllegalStateException(url + " did not relay the backend's answer: "
                        + (answer == null ? "no answer" : answer.statusCode() + " " + answer.body()));
            }
        }
        checks.add("With the token, nginx and the gateway both answer 200 with the backend's JSON.");
        HttpResponse<String> anonymous = LoopbackHttp.get(http, gatewayUrl, null);
        int status = anonymous == null ? -1 : anonymous.statusCode();
        if (status != 401) {
            throw new IllegalStateException("the gateway let a request without a token through: " + status);
        }
        checks.add("Without a token the gateway answers 401 (nginx, which checks nothing, would pass it on).");
        return checks;
    }

    private static LoadResult javaRun(String name, String url, RefreshingToken token, Parameters parameters) {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < parameters.clients(); i++) {
            clients.add(LoopbackHttp.client());
        }
        URI uri = URI.create(url);
        log.info(
                "{} (Java harness): {} clients, {} s warm-up, {} s measured",
                name,
                parameters.clients(),
                parameters.warmup().toSeconds(),
                parameters.duration().toSeconds());
        LoadResult result = LoadGenerator.run(
                name,
                parameters.clients(),
                parameters.warmup(),
                parameters.duration(),
                parameters.maxRequests(),
                client -> {
                    HttpResponse<byte[]> response = clients.get(client)
                            .send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(30))
                                            .header("Authorization", "Bearer " + token.get())
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                    return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
                });
        log.info("{}", result);
        return result;
    }

    private static Row wrkRun(String name, String url, RefreshingToken token, Parameters parameters) {
        Path work = parameters.workDirectory().resolve("wrk");
        Map<String, String> headers = Map.of("Authorization", "Bearer " + token.get());
        log.info(
                "{} (wrk): {} connections, {} s warm-up, {} s measured",
                name,
                parameters.clients(),
                parameters.warmup().toSeconds(),
                parameters.duration().toSeconds());
        if (!parameters.warmup().isZero()) {
            WrkRunner.run(name, url, headers, parameters.clients(), parameters.warmup(), work);
        }
        // a fresh token: it must outlive the window
        Row row = WrkRunner.run(
                name,
                url,
                Map.of("Authorization", "Bearer " + token.get()),
                parameters.clients(),
                parameters.duration(),
                work);
        log.info(
                "{}: {} req/s, p50 {} p99 {}, errors {}",
                name,
                String.format("%.1f", row.throughput()),
                MarkdownReport.ms(row.p50()),
                MarkdownReport.ms(row.p99()),
                row.errors());
        return row;
    }

    private static MarkdownReport report(Parameters p, ZonedDateTime date, List<Pair> pairs, List<String> checks) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("concurrency (keep-alive connections, closed loop)", p.clients());
        parameters.put(
                "warm-up / measured, per target and load generator",
                p.warmup().toSeconds() + " s / " + p.duration().toSeconds() + " s");
        parameters.put("request cap per Java run", String.format("%,d", p.maxRequests()));
        parameters.put("gateway JVM options", "`" + String.join(" ", p.gatewayJvm()) + "`");
        parameters.put(
                "nginx",
                Machine.toolVersion("nginx", "-v").orElse("?") + ", `worker_processes auto`, "
                        + "access log off, upstream keep-alive");
        parameters.put(
                "wrk",
                Machine.toolVersion("wrk", "-v")
                                .map(v -> v.replaceAll(" Copyright.*", ""))
                                .orElse("not installed") + ", 2 threads");

        List<Row> rows = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (Pair pair : pairs) {
            rows.add(pair.nginx());
            rows.add(pair.gateway());
            summary.add(String.format(
                    "%s: gateway/nginx throughput %.2f (%.0f vs %.0f req/s); added latency "
                            + "p50 +%s, p90 +%s, p99 +%s",
                    pair.nginx().client(),
                    pair.throughputRatio(),
                    pair.gateway().throughput(),
                    pair.nginx().throughput(),
                    MarkdownReport.ms(pair.gateway().p50() - pair.nginx().p50()),
                    MarkdownReport.ms(pair.gateway().p90() - pair.nginx().p90()),
                    MarkdownReport.ms(pair.gateway().p99() - pair.nginx().p99())));
        }
        return new MarkdownReport("Gateway overhead against nginx (issue 5)", Machine.current(), date)
                .section("Setup")
                .bullets(List.of(
                        "Backend: a tiny HTTP server in the harness JVM (JDK `HttpServer`, 4 threads) answering "
                                + "every request with the same " + FixedJsonBackend.BODY.length() + "-byte JSON.",
                        "nginx: a child process with our configuration, TLS (TLS 1.3, EC P-256 throwaway "
                                + "certificate) on a loopback port, `proxy_pass` to the backend with keep-alive.",
                        "Gateway: its runnable jar alone (Spring Cloud Gateway on Netty, TLS 1.3 with its "
                                + "generated EC P-256 certificate) with Keycloak, Redis and Kafka; route "
                                + "`/api/me` -> backend (`IDENTITY_SERVICE_URI`). Per request it verifies the JWT "
                                + "(signature with cached keys, issuer, audience, expiry), checks the deny list "
                                + "and two rate-limit counters in Redis (limits raised to 10^9/min for the run), "
                                + "publishes an audit event to Kafka, relays the token and sets security headers.",
                        "Request: HTTPS `GET /api/me` with a patient's `portal-mobile` access token, HTTP/1.1 "
                                + "keep-alive, one connection per client; the same for both targets, nginx "
                                + "measured first, then the gateway, for each load generator.",
                        "Everything (Keycloak, Kafka, Redis, PostgreSQL idle, nginx, gateway, backend, load "
                                + "generator) shares the machine's cores, so the load generator's own cost "
                                + "lowers both figures; wrk (C) costs far less per request than the Java "
                                + "harness, and its ratio is the one to quote."))
                .section("Parameters")
                .parameters(parameters)
                .section("Results")
                .results(rows)
                .section("Gateway against nginx")
                .bullets(summary)
                .section("Checks before measuring")
                .bullets(checks);
    }
}
