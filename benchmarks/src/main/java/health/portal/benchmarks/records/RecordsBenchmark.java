package health.portal.benchmarks.records;

import health.portal.benchmarks.load.LoadGenerator;
import health.portal.benchmarks.load.LoadResult;
import health.portal.benchmarks.report.Machine;
import health.portal.benchmarks.report.MarkdownReport;
import health.portal.benchmarks.report.Row;
import health.portal.benchmarks.support.LoopbackHttp;
import health.portal.benchmarks.support.RefreshingToken;
import health.portal.benchmarks.support.TokenRenewal;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.launcher.DemoPatient;
import health.portal.launcher.LocalPortal;
import health.portal.launcher.PortPlan;
import health.portal.platform.security.grpc.BearerCallCredentials;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Issue 4: the health summary with the EMR sandbox serving many patients, at a fixed concurrency,
 * <ol>
 * <li>end to end: HTTPS {@code GET /api/records/summary} on the gateway with patients' own bearer tokens (the
 * gateway takes the patient from the token), gateway -> records-service (gRPC) -> sandbox (FHIR);</li>
 * <li>records-service alone: gRPC {@code GetHealthSummary} with the records-client service token, a random patient
 * among all of them per call.</li>
 * </ol>
 * The whole portal runs as the launcher runs it (every service its own JVM) on this machine, with the harness.
 */
public final class RecordsBenchmark {

    private static final Logger log = LoggerFactory.getLogger(RecordsBenchmark.class);
    private static final String MOBILE_CLIENT = "portal-mobile";
    private static final String REDIRECT = "http://127.0.0.1/callback";

    /** What a run needs; see the benchmarks pom for the defaults. */
    public record Parameters(
            int clients,
            int patients,
            int users,
            Duration warmup,
            Duration duration,
            Duration grpcWarmup,
            Duration grpcDuration,
            long maxRequests,
            List<String> serviceJvm,
            Path logs) {}

    private RecordsBenchmark() {}

    public static MarkdownReport run(Parameters parameters) {
        ZonedDateTime date = ZonedDateTime.now();
        String redisPrefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        List<String> gatewayArguments = List.of(
                // limits stay on (their Redis round trips are part of every request) but far above this load
                "--gateway.rate-limit.per-address=1000000000",
                "--gateway.rate-limit.per-user=1000000000",
                "--gateway.redis-key-prefix=" + redisPrefix,
                "--spring.session.data.redis.namespace=" + redisPrefix + "session");
        LocalPortal.Tuning tuning =
                new LocalPortal.Tuning(parameters.serviceJvm(), Map.of("gateway", gatewayArguments));
        long begin = System.nanoTime();
        log.info("Starting the portal with {} sandbox patients", parameters.patients());
        try (LocalPortal stack = LocalPortal.start(PortPlan.free(), parameters.logs(), parameters.patients(), tuning)) {
            long startSeconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
            DemoPatient.Credentials demo = enrollDemoPatient(stack);
            String fhirBase = "http://localhost:" + stack.ports().emrSandbox() + "/fhir";
            List<String> patientIds = SandboxPatients.list(fhirBase);
            log.info("Portal up in {} s; the sandbox serves {} patients", startSeconds, patientIds.size());

            KeycloakServer keycloak = stack.keycloak();
            List<RefreshingToken> userTokens = signInUsers(keycloak, demo, patientIds, parameters.users());
            boolean demoIncluded = demo != null;
            RefreshingToken serviceToken = RefreshingToken.of(() -> keycloak.serviceAccountToken("records-client"));
            List<RefreshingToken> all = new ArrayList<>(userTokens);
            all.add(serviceToken);

            try (TokenRenewal renewal = new TokenRenewal(all)) {
                String summaryUrl = stack.gatewayUrl().replace("localhost", "127.0.0.1") + "/api/records/summary";
                checkEveryUserReadsTheirSummary(summaryUrl, userTokens);
                LoadResult http = httpSummaries(summaryUrl, userTokens, parameters);
                log.info("{}", http);

                ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                                "127.0.0.1", stack.ports().recordsGrpc(), InsecureChannelCredentials.create())
                        .build();
                try {
                    LoadResult grpc = grpcSummaries(channel, serviceToken, patientIds, parameters);
                    log.info("{}", grpc);
                    return report(
                            parameters,
                            date,
                            startSeconds,
                            patientIds.size(),
                            userTokens.size(),
                            demoIncluded,
                            http,
                            grpc);
                } finally {
                    channel.shutdownNow();
                }
            }
        }
    }

    /** The demo patient enrolled as a patient enrolls (identity-service); null when enrollment failed. */
    private static DemoPatient.Credentials enrollDemoPatient(LocalPortal stack) {
        try {
            return DemoPatient.enroll(stack);
        } catch (RuntimeException e) {
            // the summary path does not depend on enrollment: measure with created patient users only
            log.warn("demo patient enrollment failed, going on without demo-alex: {}", e.getMessage());
            return null;
        }
    }

    /** The demo patient (when enrolled) and patient users for other, random EMR patients. */
    private static List<RefreshingToken> signInUsers(
            KeycloakServer keycloak, DemoPatient.Credentials demo, List<String> patientIds, int users) {
        List<String> clones =
                patientIds.stream().filter(id -> id.matches(".+-c\\d+")).toList();
        List<String> pool = new ArrayList<>(
                clones.size() >= users
                        ? clones
                        : patientIds.stream()
                                .filter(id -> !id.startsWith("demo-"))
                                .toList());
        Collections.shuffle(pool, new Random(42));
        String run = UUID.randomUUID().toString().substring(0, 6);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<RefreshingToken>> futures = new ArrayList<>();
            if (demo != null) {
                futures.add(executor.submit(() -> signIn(keycloak, demo.username(), demo.password())));
            }
            int others = demo != null ? users - 1 : users;
            for (int i = 1; i <= others && i - 1 < pool.size(); i++) {
                String patientId = pool.get(i - 1);
                String username = "bench-" + run + "-" + i;
                String password = "Bench-" + UUID.randomUUID();
                futures.add(executor.submit(() -> {
                    keycloak.createPatientUser(
                            username, password, username + "@example.org", patientId, "Bench", "Patient");
                    return signIn(keycloak, username, password);
                }));
            }
            List<RefreshingToken> tokens = new ArrayList<>();
            for (Future<RefreshingToken> future : futures) {
                tokens.add(future.get(2, TimeUnit.MINUTES));
            }
            return tokens;
        } catch (Exception e) {
            throw new IllegalStateException("could not sign the benchmark's patients in: " + e.getMessage(), e);
        } finally {
            executor.shutdownNow();
        }
    }

    private static RefreshingToken signIn(KeycloakServer keycloak, String username, String password) {
        BrowserSignIn.Tokens tokens = BrowserSignIn.signIn(keycloak, MOBILE_CLIENT, null, REDIRECT, username, password);
        return RefreshingToken.refreshable(
                keycloak.issuerUri(), MOBILE_CLIENT, tokens.accessToken(), tokens.refreshToken());
    }

    private static void checkEveryUserReadsTheirSummary(String url, List<RefreshingToken> tokens) {
        HttpClient http = LoopbackHttp.client();
        for (RefreshingToken token : tokens) {
            HttpResponse<String> response = LoopbackHttp.get(http, url, token.get());
            if (response == null || response.statusCode() != 200) {
                // problem details only: the body of a refusal holds no health data
                throw new IllegalStateException("GET /api/records/summary did not answer 200 before the run: "
                        + (response == null ? "no answer" : response.statusCode() + " " + response.body()));
            }
        }
    }

    private static LoadResult httpSummaries(String url, List<RefreshingToken> tokens, Parameters parameters) {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < parameters.clients(); i++) {
            clients.add(LoopbackHttp.client());
        }
        URI uri = URI.create(url);
        log.info(
                "HTTPS summaries: {} clients, {} s warm-up, {} s measured",
                parameters.clients(),
                parameters.warmup().toSeconds(),
                parameters.duration().toSeconds());
        return LoadGenerator.run(
                "gateway GET /api/records/summary",
                parameters.clients(),
                parameters.warmup(),
                parameters.duration(),
                parameters.maxRequests(),
                client -> {
                    String token = tokens.get(client % tokens.size()).get();
                    HttpResponse<byte[]> response = clients.get(client)
                            .send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(30))
                                            .header("Authorization", "Bearer " + token)
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                    return response.statusCode() == 200 && response.body().length > 0
                            ? null
                            : "HTTP " + response.statusCode();
                });
    }

    private static LoadResult grpcSummaries(
            ManagedChannel channel, RefreshingToken token, List<String> patientIds, Parameters parameters) {
        RecordsServiceGrpc.RecordsServiceBlockingStub stub =
                RecordsServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token::get));
        for (int i = 0; i < 3; i++) { // fail fast with the reason rather than after minutes of errors
            String patientId = patientIds.get(ThreadLocalRandom.current().nextInt(patientIds.size()));
            stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .getHealthSummary(
                            PatientRequest.newBuilder().setPatientId(patientId).build());
        }
        log.info(
                "gRPC summaries: {} clients, {} s warm-up, {} s measured",
                parameters.clients(),
                parameters.grpcWarmup().toSeconds(),
                parameters.grpcDuration().toSeconds());
        return LoadGenerator.run(
                "records-service gRPC GetHealthSummary",
                parameters.clients(),
                parameters.grpcWarmup(),
                parameters.grpcDuration(),
                parameters.maxRequests(),
                client -> {
                    String patientId =
                            patientIds.get(ThreadLocalRandom.current().nextInt(patientIds.size()));
                    try {
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .getHealthSummary(PatientRequest.newBuilder()
                                        .setPatientId(patientId)
                                        .build());
                        return null;
                    } catch (StatusRuntimeException e) {
                        return "gRPC " + e.getStatus().getCode();
                    }
                });
    }

    private static MarkdownReport report(
            Parameters p,
            ZonedDateTime date,
            long startSeconds,
            int patientsServed,
            int users,
            boolean demoIncluded,
            LoadResult http,
            LoadResult grpc) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("concurrent clients (closed loop)", p.clients());
        parameters.put("sandbox patients served", String.format("%,d (requested %,d)", patientsServed, p.patients()));
        parameters.put(
                "HTTPS: signed-in patients (tokens)",
                users + " ("
                        + (demoIncluded
                                ? "demo-alex, enrolled through identity-service, + " + (users - 1)
                                : "demo-alex not enrolled (enrollment failed); " + users)
                        + " random cloned patients created in "
                        + "Keycloak; client i uses patient i mod " + users + ")");
        parameters.put(
                "HTTPS: warm-up / measured",
                p.warmup().toSeconds() + " s / " + p.duration().toSeconds() + " s");
        parameters.put("gRPC: patients", "random among all " + String.format("%,d", patientsServed) + " per call");
        parameters.put(
                "gRPC: warm-up / measured",
                p.grpcWarmup().toSeconds() + " s / " + p.grpcDuration().toSeconds() + " s");
        parameters.put("request cap per run", String.format("%,d", p.maxRequests()));
        parameters.put("service JVM options", "`" + String.join(" ", p.serviceJvm()) + "`");
        parameters.put("portal start-up (all processes UP)", startSeconds + " s");
        return new MarkdownReport("Health summary under load (issue 4)", Machine.current(), date)
                .section("Setup")
                .bullets(List.of(
                        "The whole portal as `LocalPortal` (the launcher) runs it, every process on this machine: "
                                + "Keycloak, Kafka (KRaft), PostgreSQL, Redis, SMTP, emr-sandbox, records-service, "
                                + "identity-, messaging-, billing-service, gateway; plus the load generator itself. "
                                + "All traffic on loopback.",
                        "emr-sandbox with `--sandbox.patients=" + p.patients() + "`: 250 Synthea patients (3 years "
                                + "of history) and clones of them computed on read, plus the 2 demo patients.",
                        "Path 1: HTTPS (TLS 1.3, HTTP/1.1 keep-alive, one connection per client) `GET "
                                + "/api/records/summary` with a patient's own `portal-mobile` access token "
                                + "(authorization code + PKCE through Keycloak's login form); the gateway checks "
                                + "the token, rate limits (Redis), audits (Kafka), and calls records-service over "
                                + "gRPC, which checks the token again, audits (Kafka, acks=all) and reads the EMR "
                                + "over FHIR.",
                        "Path 2: gRPC `GetHealthSummary` straight to records-service (plaintext on loopback, as "
                                + "the launcher runs it) with the `records-client` service token, one channel "
                                + "(HTTP/2) shared by the clients.",
                        "Gateway rate limits raised to 10^9 per minute for the run (still counted in Redis); "
                                + "tokens renewed every 2 minutes.",
                        "Closed loop: each client sends its next request when the previous one answered, so the "
                                + "latencies are those the clients saw at the throughput the system sustained "
                                + "(no coordinated-omission correction). Errors are non-200 answers and failed "
                                + "calls inside the window; warm-up errors are listed with a `warm-up:` prefix. The gateway "
                                + "answers HTTP 503 when records-service is unavailable or its records deadline "
                                + "(`gateway.records.deadline`, 10 s) passes."))
                .section("Parameters")
                .parameters(parameters)
                .section("Results")
                .results(List.of(Row.of(http), Row.of(grpc)));
    }
}
