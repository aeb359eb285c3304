package health.portal.benchmarks.records;

import health.portal.benchmarks.load.LoadGenerator;
import health.portal.benchmarks.load.LoadResult;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issues 4 and 19: the health summary with the EMR sandbox serving many patients, at a fixed concurrency, in one
 * run and for the same patients (client i reads patient i mod users):
 * <ol>
 * <li>the EMR's own limit: the summary's FHIR reads ({@link SummaryReads}) sent straight to the sandbox;</li>
 * <li>records-service alone: gRPC {@code GetHealthSummary} with the records-client service token;</li>
 * <li>end to end: HTTPS {@code GET /api/records/summary} on the gateway with the patients' own bearer tokens (the
 * gateway takes the patient from the token), gateway -> records-service (gRPC) -> sandbox (FHIR).</li>
 * </ol>
 * The whole portal runs as the launcher runs it (every service its own JVM) on this machine, with the harness.
 */
public final class RecordsBenchmark {

    private static final Logger log = LoggerFactory.getLogger(RecordsBenchmark.class);
    private static final String MOBILE_CLIENT = "portal-mobile";
    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();
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
            boolean profile,
            Path logs) {}

    /** Issue 19's targets, as shares of the EMR's own summary rate. */
    static final double TARGET_GRPC_OF_EMR = 0.9;

    static final double TARGET_GATEWAY_OF_EMR = 0.8;

    static final long TARGET_GATEWAY_P99_MICROS = 250_000;

    /** A signed-in patient user and the EMR patient it reads. */
    record SignedIn(RefreshingToken token, String patientId) {}

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
        LocalPortal.Tuning tuning = new LocalPortal.Tuning(
                parameters.serviceJvm(),
                Map.of(
                        "gateway",
                        gatewayArguments,
                        // not part of the summary path: its search of every patient's changes by
                        // _lastUpdated over the sandbox's 9,750 clones (computed on read) times out and would
                        // take the EMR's time from the summaries measured
                        "records-service",
                        List.of("--records.new-information.enabled=false")));
        long begin = System.nanoTime();
        log.info("Starting the portal with {} sandbox patients", parameters.patients());
        try (LocalPortal stack = LocalPortal.start(PortPlan.free(), parameters.logs(), parameters.patients(), tuning)) {
            long startSeconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
            DemoPatient.Credentials demo = enrollDemoPatient(stack);
            String fhirBase = "http://localhost:" + stack.ports().emrSandbox() + "/fhir";
            List<String> patientIds = SandboxPatients.list(fhirBase);
            log.info("Portal up in {} s; the sandbox serves {} patients", startSeconds, patientIds.size());

            KeycloakServer keycloak = stack.keycloak();
            String gateway = stack.gatewayUrl().replace("localhost", "127.0.0.1");
            List<SignedIn> users = signInUsers(keycloak, gateway, demo, patientIds, parameters.users());
            List<RefreshingToken> userTokens =
                    users.stream().map(SignedIn::token).toList();
            List<String> userPatients = users.stream().map(SignedIn::patientId).toList();
            boolean demoIncluded = demo != null;
            RefreshingToken serviceToken = RefreshingToken.of(() -> keycloak.serviceAccountToken("records-client"));
            List<RefreshingToken> all = new ArrayList<>(userTokens);
            all.add(serviceToken);

            try (TokenRenewal renewal = new TokenRenewal(all)) {
                String summaryUrl = stack.gatewayUrl().replace("localhost", "127.0.0.1") + "/api/records/summary";
                checkEveryUserReadsTheirSummary(summaryUrl, userTokens);
                LoadResult emr = emrSummaries(fhirBase, userPatients, parameters);
                log.info("{}", emr);

                ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                                "127.0.0.1", stack.ports().recordsGrpc(), InsecureChannelCredentials.create())
                        .build();
                try {
                    List<String> profileLines = new ArrayList<>();
                    // the gRPC row has the target closest to the EMR's rate: records-service and the sandbox are
                    // the only processes busy in it, so its profile shows what the summary costs records-service
                    List<Profile> grpcProfiles =
                            startProfiles(stack, parameters, "gRPC row", "records-service", "emr-sandbox");
                    LoadResult grpc = grpcSummaries(channel, serviceToken, userPatients, parameters);
                    log.info("{}", grpc);
                    stopProfiles(grpcProfiles, parameters, profileLines);
                    List<Profile> profiles =
                            startProfiles(stack, parameters, "HTTPS row", "gateway", "records-service", "emr-sandbox");
                    LoadResult http = httpSummaries(summaryUrl, userTokens, parameters);
                    log.info("{}", http);
                    stopProfiles(profiles, parameters, profileLines);
                    return report(
                            parameters,
                            date,
                            startSeconds,
                            patientIds.size(),
                            userTokens.size(),
                            demoIncluded,
                            new Results(emr, grpc, http),
                            PeakMemory.of(stack.processIds()),
                            profileLines);
                } finally {
                    channel.shutdownNow();
                }
            }
        }
    }

    /** The processes busy in one row, profiled over it; each recording is named after process and row. */
    private static List<Profile> startProfiles(
            LocalPortal stack, Parameters parameters, String row, String... processes) {
        List<Profile> profiles = new ArrayList<>();
        if (parameters.profile()) {
            Map<String, Long> pids = stack.processIds();
            for (String process : processes) {
                Long pid = pids.get(process);
                if (pid != null) {
                    profiles.add(Profile.start(process + " (" + row + ")", pid));
                }
            }
        }
        return profiles;
    }

    private static void stopProfiles(List<Profile> profiles, Parameters parameters, List<String> lines) {
        profiles.forEach(profile -> lines.addAll(profile.stop(parameters.logs().resolveSibling("profiles"), 10)));
    }

    /** The three rows of one run. */
    record Results(LoadResult emr, LoadResult grpc, LoadResult http) {}

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
    private static List<SignedIn> signInUsers(
            KeycloakServer keycloak, String gateway, DemoPatient.Credentials demo, List<String> patientIds, int users) {
        String terms = currentTerms(gateway);
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
            List<Future<SignedIn>> futures = new ArrayList<>();
            if (demo != null) {
                futures.add(executor.submit(
                        () -> new SignedIn(signIn(keycloak, demo.username(), demo.password()), demo.patientId())));
            }
            int others = demo != null ? users - 1 : users;
            for (int i = 1; i <= others && i - 1 < pool.size(); i++) {
                String patientId = pool.get(i - 1);
                String username = "bench-" + run + "-" + i;
                String password = "Bench-" + UUID.randomUUID();
                futures.add(executor.submit(() -> {
                    keycloak.createPatientUser(
                            username, password, username + "@example.org", patientId, "Bench", "Patient");
                    acceptTerms(gateway, signIn(keycloak, username, password), terms);
                    // signed in again, as an app refreshes after accepting: the new token carries terms_version
                    return new SignedIn(signIn(keycloak, username, password), patientId);
                }));
            }
            List<SignedIn> tokens = new ArrayList<>();
            for (Future<SignedIn> future : futures) {
                tokens.add(future.get(2, TimeUnit.MINUTES));
            }
            return tokens;
        } catch (Exception e) {
            throw new IllegalStateException("could not sign the benchmark's patients in: " + e.getMessage(), e);
        } finally {
            executor.shutdownNow();
        }
    }

    /** The version every patient must have accepted (identity-service, through the gateway's public route). */
    private static String currentTerms(String gateway) {
        HttpResponse<String> current = LoopbackHttp.get(LoopbackHttp.client(), gateway + "/api/terms/current", null);
        if (current == null || current.statusCode() != 200) {
            throw new IllegalStateException("no current terms of use: "
                    + (current == null ? "no answer" : current.statusCode() + " " + current.body()));
        }
        return JSON.readTree(current.body()).path("version").asString();
    }

    /** A new patient accepts the terms as the app does before reading anything (the data routes refuse until then). */
    private static void acceptTerms(String gateway, RefreshingToken token, String version) throws Exception {
        HttpResponse<String> accepted = LoopbackHttp.client()
                .send(
                        HttpRequest.newBuilder(URI.create(gateway + "/api/me/terms-acceptance"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token.get())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        JSON.writeValueAsString(Map.of("version", version))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "terms acceptance refused: " + accepted.statusCode() + " " + accepted.body());
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

    /** The summary's FHIR reads straight to the sandbox, one after the other per client: one request = one summary. */
    private static LoadResult emrSummaries(String fhirBase, List<String> patients, Parameters parameters) {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < parameters.clients(); i++) {
            clients.add(LoopbackHttp.client());
        }
        log.info(
                "EMR summary reads: {} clients, {} s warm-up, {} s measured",
                parameters.clients(),
                parameters.grpcWarmup().toSeconds(),
                parameters.grpcDuration().toSeconds());
        return LoadGenerator.run(
                "sandbox: the summary's FHIR reads",
                parameters.clients(),
                parameters.grpcWarmup(),
                parameters.grpcDuration(),
                parameters.maxRequests(),
                client -> {
                    String patientId = patients.get(client % patients.size());
                    Set<String> medications = new LinkedHashSet<>();
                    for (String read : SummaryReads.forPatient(patientId)) {
                        for (String url = fhirBase + read; url != null; ) {
                            HttpResponse<String> response =
                                    clients.get(client).send(fhirGet(url), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200) {
                                return "HTTP " + response.statusCode();
                            }
                            if (read.startsWith("/MedicationRequest")) {
                                medications.addAll(SummaryReads.medicationIds(response.body()));
                            }
                            url = SummaryReads.nextPage(response.body()).orElse(null);
                        }
                    }
                    for (String read : SummaryReads.medicationSearches(List.copyOf(medications))) {
                        HttpResponse<Void> response = clients.get(client)
                                .send(fhirGet(fhirBase + read), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            return "HTTP " + response.statusCode();
                        }
                    }
                    return null;
                });
    }

    private static HttpRequest fhirGet(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/fhir+json")
                .GET()
                .build();
    }

    private static LoadResult grpcSummaries(
            ManagedChannel channel, RefreshingToken token, List<String> patientIds, Parameters parameters) {
        RecordsServiceGrpc.RecordsServiceBlockingStub stub =
                RecordsServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token::get));
        for (int i = 0; i < 3; i++) { // fail fast with the reason rather than after minutes of errors
            String patientId = patientIds.get(i % patientIds.size());
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
                    String patientId = patientIds.get(client % patientIds.size());
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
            Results results,
            Map<String, String> memory,
            List<String> profiles) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("concurrent clients (closed loop)", p.clients());
        parameters.put("sandbox patients served", String.format("%,d (requested %,d)", patientsServed, p.patients()));
        parameters.put(
                "patients read",
                users + " ("
                        + (demoIncluded
                                ? "demo-alex, enrolled through identity-service, + " + (users - 1)
                                : "demo-alex not enrolled (enrollment failed); " + users)
                        + " random cloned patients created in Keycloak); client i reads patient i mod " + users
                        + " on every row");
        parameters.put(
                "EMR and gRPC rows: warm-up / measured",
                p.grpcWarmup().toSeconds() + " s / " + p.grpcDuration().toSeconds() + " s each");
        parameters.put(
                "HTTPS row: warm-up / measured",
                p.warmup().toSeconds() + " s / " + p.duration().toSeconds() + " s");
        parameters.put("request cap per run", String.format("%,d", p.maxRequests()));
        parameters.put("service JVM options", "`" + String.join(" ", p.serviceJvm()) + "`");
        parameters.put("portal start-up (all processes UP)", startSeconds + " s");
        double emr = results.emr().throughputPerSecond();
        double grpcShare = results.grpc().throughputPerSecond() / emr;
        double httpShare = results.http().throughputPerSecond() / emr;
        long httpP99 = results.http().percentileMicros(99);
        List<String> ratios = List.of(
                String.format(
                        "records-service gRPC: %.2f of the EMR's own summary rate (target %.1f: %s)",
                        grpcShare, TARGET_GRPC_OF_EMR, grpcShare >= TARGET_GRPC_OF_EMR ? "met" : "missed"),
                String.format(
                        "through the gateway: %.2f of it (target %.1f: %s); p99 %s (target under %s: %s); errors %d "
                                + "(target none: %s)",
                        httpShare,
                        TARGET_GATEWAY_OF_EMR,
                        httpShare >= TARGET_GATEWAY_OF_EMR ? "met" : "missed",
                        MarkdownReport.ms(httpP99),
                        MarkdownReport.ms(TARGET_GATEWAY_P99_MICROS),
                        httpP99 < TARGET_GATEWAY_P99_MICROS ? "met" : "missed",
                        results.http().allErrors(),
                        results.http().allErrors() == 0 ? "met" : "missed"));
        List<String> memoryLines = new ArrayList<>();
        memory.forEach((name, peak) -> memoryLines.add(name + ": " + peak));
        return new MarkdownReport("Health summary under load (issues 4, 19)", Machine.current(), date)
                .section("Setup")
                .bullets(List.of(
                        "The whole portal as `LocalPortal` (the launcher) runs it, every process on this machine: "
                                + "Keycloak, Kafka (KRaft), PostgreSQL, Redis, SMTP, emr-sandbox, records-service, "
                                + "identity-, messaging-, billing-service, gateway; plus the load generator itself. "
                                + "All traffic on loopback.",
                        "emr-sandbox with `--sandbox.patients=" + p.patients() + "`: 250 Synthea patients (3 years "
                                + "of history) and clones of them computed on read, plus the 2 demo patients.",
                        "Row 1, the EMR's own limit: the FHIR requests the adapter sends for one summary ("
                                + String.join(", ", SummaryReads.forPatient("{id}"))
                                + ", each search to its last page, then /Medication?_id={ids} for the Medications the "
                                + "MedicationRequests refer to, 50 ids a search, as the adapter finds them when the EMR "
                                + "refuses its _include), sent by each client one after the other straight to the sandbox "
                                + "(HTTP/1.1 keep-alive); one measured request is one summary's reads.",
                        "Row 2: gRPC `GetHealthSummary` straight to records-service (plaintext on loopback, as "
                                + "the launcher runs it) with the `records-client` service token, one channel "
                                + "(HTTP/2) shared by the clients; records-service checks the token, audits to "
                                + "Kafka (acks=all) and reads the EMR over FHIR.",
                        "Row 3: HTTPS (TLS 1.3, HTTP/1.1 keep-alive, one connection per client) `GET "
                                + "/api/records/summary` with the patient's own `portal-mobile` access token; the "
                                + "gateway checks the token, rate limits (Redis), audits (Kafka) and calls "
                                + "records-service over gRPC.",
                        "Gateway rate limits raised to 10^9 per minute for the run (still counted); tokens "
                                + "renewed every 2 minutes.",
                        "Closed loop: each client sends its next request when the previous one answered, so the "
                                + "latencies are those the clients saw at the throughput the system sustained "
                                + "(no coordinated-omission correction). Errors are non-200 answers and failed "
                                + "calls inside the window; warm-up errors are listed with a `warm-up:` prefix. The gateway "
                                + "answers HTTP 503 when records-service is unavailable or its records deadline "
                                + "(`gateway.records.deadline`, 10 s) passes."))
                .section("Parameters")
                .parameters(parameters)
                .section("Results")
                .results(List.of(Row.of(results.emr()), Row.of(results.grpc()), Row.of(results.http())))
                .section("Shares of the EMR's own limit and targets")
                .bullets(ratios)
                .section("Peak resident memory (VmHWM) of the portal's processes at the end of the run")
                .bullets(memoryLines)
                .section("Profiles (JDK Flight Recorder, `profile` settings, over the gRPC and the HTTPS rows)")
                .bullets(profiles.isEmpty() ? List.of("not profiled (`-Dbench.profile=false`)") : profiles);
    }
}
