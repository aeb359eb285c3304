package health.portal.benchmarks.proxy;

import health.portal.benchmarks.load.LoadGenerator;
import health.portal.benchmarks.load.LoadResult;
import health.portal.benchmarks.load.WrkRunner;
import health.portal.benchmarks.report.Machine;
import health.portal.benchmarks.report.MarkdownReport;
import health.portal.benchmarks.report.PeakMemory;
import health.portal.benchmarks.report.Profile;
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
 * Issues 5 and 19: what the gateway costs. The same authenticated request ({@code GET /api/me} with a patient's
 * bearer token, HTTPS, keep-alive) reaches the same trivial backend through nginx (a plain reverse proxy), through
 * Spring Cloud Gateway with nothing but the route (module bare-gateway: the framework's own limit) and through the
 * portal's gateway (token check, rate limits in Redis, deny list, audit event to Kafka, token relay, headers), at the
 * same concurrency, one after the other in one run. The ratios and the added latency are the price of the framework
 * and of the protections.
 */
public final class GatewayOverheadBenchmark {

    private static final Logger log = LoggerFactory.getLogger(GatewayOverheadBenchmark.class);

    public record Parameters(
            int clients,
            Duration warmup,
            Duration duration,
            long maxRequests,
            List<String> gatewayJvm,
            boolean profile,
            Path projectRoot,
            Path workDirectory) {}

    /** The three targets' figures from one load generator. */
    record Comparison(Row nginx, Row bare, Row gateway) {

        double ofNginx() {
            return gateway.throughput() / nginx.throughput();
        }

        double ofBare() {
            return gateway.throughput() / bare.throughput();
        }

        long addedP99() {
            return gateway.p99() - nginx.p99();
        }
    }

    /** Issue 19's targets for the gateway with every protection on. */
    static final double TARGET_OF_NGINX = 0.5;

    static final double TARGET_OF_BARE = 0.8;

    static final long TARGET_ADDED_P99_MICROS = 5_000;

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
                BareGatewayProcess bare = BareGatewayProcess.start(
                        parameters.projectRoot(),
                        backend.baseUrl(),
                        parameters.gatewayJvm(),
                        parameters.workDirectory().resolve("bare-gateway"));
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
            String bareUrl = bare.url("/api/me");
            String gatewayUrl = gateway.url("/api/me");
            List<String> checks = sanityChecks(List.of(nginxUrl, bareUrl, gatewayUrl), gatewayUrl, token);

            try (TokenRenewal renewal = new TokenRenewal(List.of(token))) {
                List<Comparison> comparisons = new ArrayList<>();
                boolean wrk = WrkRunner.available();
                List<String> profiles = new ArrayList<>();
                // profiled where the quoted ratio is measured: wrk's runs, or the Java harness's without wrk
                Profiling javaProfiling = wrk ? Profiling.OFF : Profiling.of(parameters, bare, gateway, profiles);
                comparisons.add(new Comparison(
                        Row.of(javaRun("nginx -> backend", nginxUrl, token, parameters)),
                        javaProfiling.bare(() ->
                                Row.of(javaRun("bare Spring Cloud Gateway -> backend", bareUrl, token, parameters))),
                        javaProfiling.gateway(
                                () -> Row.of(javaRun("gateway -> backend", gatewayUrl, token, parameters)))));
                if (wrk) {
                    Profiling wrkProfiling = Profiling.of(parameters, bare, gateway, profiles);
                    comparisons.add(new Comparison(
                            wrkRun("nginx -> backend", nginxUrl, token, parameters),
                            wrkProfiling.bare(
                                    () -> wrkRun("bare Spring Cloud Gateway -> backend", bareUrl, token, parameters)),
                            wrkProfiling.gateway(() -> wrkRun("gateway -> backend", gatewayUrl, token, parameters))));
                } else {
                    log.warn("wrk is not installed (apt-get install -y wrk): only the Java harness measures");
                }
                checks.add("The backend answered " + backend.served() + " requests, " + backend.servedWithBearer()
                        + " of them carrying the bearer token (every proxy passes it on).");
                Map<String, Long> pids = new LinkedHashMap<>();
                pids.put("nginx (master and workers)", nginx.pid());
                pids.put("bare Spring Cloud Gateway", bare.pid());
                pids.put("gateway", gateway.pid());
                return report(parameters, date, comparisons, checks, PeakMemory.of(pids), profiles);
            }
        }
    }

    /** Every path answers the backend's document for a signed-in user; only the gateway refuses a missing token. */
    private static List<String> sanityChecks(List<String> urls, String gatewayUrl, RefreshingToken token) {
        HttpClient http = LoopbackHttp.client();
        List<String> checks = new ArrayList<>();
        for (String url : urls) {
            HttpResponse<String> answer = LoopbackHttp.get(http, url, token.get());
            if (answer == null || answer.statusCode() != 200 || !answer.body().equals(FixedJsonBackend.BODY)) {
                throw new IllegalStateException(url + " did not relay the backend's answer: "
                        + (answer == null ? "no answer" : answer.statusCode() + " " + answer.body()));
            }
        }
        checks.add("With the token, nginx, the bare Spring Cloud Gateway and the gateway all answer 200 with the "
                + "backend's JSON.");
        HttpResponse<String> anonymous = LoopbackHttp.get(http, gatewayUrl, null);
        int status = anonymous == null ? -1 : anonymous.statusCode();
        if (status != 401) {
            throw new IllegalStateException("the gateway let a request without a token through: " + status);
        }
        checks.add("Without a token the gateway answers 401 (nginx and the bare gateway, which check nothing, would "
                + "pass it on).");
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

    private static MarkdownReport report(
            Parameters p,
            ZonedDateTime date,
            List<Comparison> comparisons,
            List<String> checks,
            Map<String, String> memory,
            List<String> profiles) {
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
        for (Comparison c : comparisons) {
            rows.add(c.nginx());
            rows.add(c.bare());
            rows.add(c.gateway());
            summary.add(String.format(
                    "%s: gateway %.0f req/s = %.2f of nginx (%.0f; target %.1f: %s) and %.2f of the bare Spring "
                            + "Cloud Gateway (%.0f; target %.1f: %s); bare/nginx %.2f; added latency against nginx "
                            + "p50 +%s, p99 +%s (target +%s: %s), against the bare gateway p99 +%s",
                    c.nginx().client(),
                    c.gateway().throughput(),
                    c.ofNginx(),
                    c.nginx().throughput(),
                    TARGET_OF_NGINX,
                    verdict(c.ofNginx() >= TARGET_OF_NGINX),
                    c.ofBare(),
                    c.bare().throughput(),
                    TARGET_OF_BARE,
                    verdict(c.ofBare() >= TARGET_OF_BARE),
                    c.bare().throughput() / c.nginx().throughput(),
                    MarkdownReport.ms(c.gateway().p50() - c.nginx().p50()),
                    MarkdownReport.ms(c.addedP99()),
                    MarkdownReport.ms(TARGET_ADDED_P99_MICROS),
                    verdict(c.addedP99() <= TARGET_ADDED_P99_MICROS),
                    MarkdownReport.ms(c.gateway().p99() - c.bare().p99())));
        }
        List<String> memoryLines = new ArrayList<>();
        memory.forEach((name, peak) -> memoryLines.add(name + ": " + peak));
        return new MarkdownReport(
                        "Gateway overhead against nginx and the bare framework (issues 5, 19)", Machine.current(), date)
                .section("Setup")
                .bullets(List.of(
                        "Backend: a tiny HTTP server in the harness JVM (JDK `HttpServer`, 4 threads) answering "
                                + "every request with the same " + FixedJsonBackend.BODY.length() + "-byte JSON.",
                        "nginx: a child process with our configuration, TLS (TLS 1.3, EC P-256 throwaway "
                                + "certificate) on a loopback port, `proxy_pass` to the backend with keep-alive.",
                        "Bare Spring Cloud Gateway (module `benchmarks/bare-gateway`): the gateway's framework on "
                                + "Reactor Netty, TLS with the same kind of certificate, one route `/api/**` -> "
                                + "backend, no security, filters or audit: the framework's own limit. Same JVM "
                                + "options as the gateway.",
                        "Gateway: its runnable jar alone (Spring Cloud Gateway on Netty, TLS 1.3 with its "
                                + "generated EC P-256 certificate) with Keycloak, Redis and Kafka; route "
                                + "`/api/me` -> backend (`IDENTITY_SERVICE_URI`). Per request it verifies the JWT "
                                + "(issuer, audience, expiry, signature), checks the deny list and the rate-limit "
                                + "counters (limits raised to 10^9/min for the run), publishes an audit event to "
                                + "Kafka, relays the token and sets security headers.",
                        "Request: HTTPS `GET /api/me` with a patient's `portal-mobile` access token, HTTP/1.1 "
                                + "keep-alive, one connection per client; the same for every target, measured one "
                                + "after the other (nginx, bare, gateway) for each load generator.",
                        "Everything (Keycloak, Kafka, Redis, PostgreSQL idle, nginx, both gateways, backend, load "
                                + "generator) shares the machine's cores, so the load generator's own cost "
                                + "lowers every figure; wrk (C) costs far less per request than the Java "
                                + "harness, and its ratios are the ones to quote."))
                .section("Parameters")
                .parameters(parameters)
                .section("Results")
                .results(rows)
                .section("Ratios and targets")
                .bullets(summary)
                .section("Peak resident memory (VmHWM) at the end of the run")
                .bullets(memoryLines)
                .section("Profiles (JDK Flight Recorder, `profile` settings, over each gateway's measured run)")
                .bullets(profiles.isEmpty() ? List.of("not profiled (`-Dbench.profile=false`)") : profiles)
                .section("Checks before measuring")
                .bullets(checks);
    }

    /** Wraps the two gateways' runs in a JFR recording each, when profiling; the summaries go to {@code lines}. */
    record Profiling(
            boolean on, Path directory, BareGatewayProcess bare, StandaloneGateway gateway, List<String> lines) {

        static final Profiling OFF = new Profiling(false, null, null, null, List.of());

        static Profiling of(
                Parameters parameters, BareGatewayProcess bare, StandaloneGateway gateway, List<String> lines) {
            return parameters.profile()
                    ? new Profiling(true, parameters.workDirectory().resolve("profiles"), bare, gateway, lines)
                    : OFF;
        }

        Row bare(java.util.function.Supplier<Row> run) {
            return profiled("bare Spring Cloud Gateway", on ? bare.pid() : 0, run);
        }

        Row gateway(java.util.function.Supplier<Row> run) {
            return profiled("gateway", on ? gateway.pid() : 0, run);
        }

        private Row profiled(String name, long pid, java.util.function.Supplier<Row> run) {
            if (!on) {
                return run.get();
            }
            Profile profile = Profile.start(name, pid);
            Row row = run.get();
            lines.addAll(profile.stop(directory, 10));
            return row;
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "missed";
    }
}
