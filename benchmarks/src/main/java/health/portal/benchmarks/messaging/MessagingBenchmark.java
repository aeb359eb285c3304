package health.portal.benchmarks.messaging;

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
import health.portal.infra.keycloak.StaffUser;
import health.portal.launcher.DemoPatient;
import health.portal.launcher.LocalPortal;
import health.portal.launcher.PortPlan;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 17: sustained message submission through the gateway with durable filing into the sandbox EMR, side by side
 * with the sandbox's own rate of Communication writes in the same run, and the latency from a care-team message to
 * the patient's notice in the mailbox.
 * <ol>
 * <li>the sandbox alone: {@code POST /fhir/Communication}, the write every portal message ends in;</li>
 * <li>end to end: HTTPS {@code POST /api/messages} on the gateway with the demo patient's own token: gateway ->
 * messaging-service (care team from the EMR through records-service, workflow rows and the outbox in PostgreSQL,
 * the content sealed) -> records-service -> sandbox; afterwards every accepted message is checked to be in the
 * EMR;</li>
 * <li>a clinician's message to the patient ({@code POST /internal/staff/messages}) until the run's SMTP server has
 * the notice: outbox, Kafka, the notice consumer, identity-service's contact lookup, SMTP.</li>
 * </ol>
 */
public final class MessagingBenchmark {

    private static final Logger log = LoggerFactory.getLogger(MessagingBenchmark.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String MOBILE_CLIENT = "portal-mobile";
    private static final String REDIRECT = "http://127.0.0.1/callback";
    private static final String DEMO_MAIL = "alex.rivera@example.org";

    /** What a run needs; see the benchmarks pom for the defaults. */
    public record Parameters(
            int clients,
            Duration warmup,
            Duration duration,
            int noticeSamples,
            long maxRequests,
            List<String> serviceJvm,
            Path logs) {}

    private MessagingBenchmark() {}

    public static MarkdownReport run(Parameters parameters) {
        ZonedDateTime date = ZonedDateTime.now();
        String redisPrefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        LocalPortal.Tuning tuning = new LocalPortal.Tuning(
                parameters.serviceJvm(),
                Map.of(
                        "gateway",
                        List.of(
                                "--gateway.rate-limit.per-address=1000000000",
                                "--gateway.rate-limit.per-user=1000000000",
                                "--gateway.redis-key-prefix=" + redisPrefix,
                                "--spring.session.data.redis.namespace=" + redisPrefix + "session")));
        long begin = System.nanoTime();
        try (LocalPortal stack = LocalPortal.start(PortPlan.free(), parameters.logs(), 10, tuning)) {
            long startSeconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
            DemoPatient.Credentials demo = DemoPatient.enroll(stack);
            KeycloakServer keycloak = stack.keycloak();
            BrowserSignIn.Tokens signedIn =
                    BrowserSignIn.signIn(keycloak, MOBILE_CLIENT, null, REDIRECT, demo.username(), demo.password());
            RefreshingToken patient = RefreshingToken.refreshable(
                    keycloak.issuerUri(), MOBILE_CLIENT, signedIn.accessToken(), signedIn.refreshToken());
            StaffUser clinician =
                    keycloak.createStaffUser("bench.clinician", "Bench", "Clinician", List.of("clinician"));
            RefreshingToken staff =
                    RefreshingToken.of(() -> keycloak.staffSignIn(clinician).accessToken());
            String fhir = "http://127.0.0.1:" + stack.ports().emrSandbox() + "/fhir";
            try (TokenRenewal renewal = new TokenRenewal(List.of(patient, staff))) {
                LoadResult sandbox = sandboxWrites(fhir, demo.patientId(), parameters);
                log.info("{}", sandbox);
                String recipient = firstRecipient(stack, patient);
                int filedBefore = communications(fhir, demo.patientId());
                AtomicLong accepted = new AtomicLong();
                LoadResult portal = submissions(stack, patient, recipient, accepted, parameters);
                log.info("{}", portal);
                Duration filing = awaitFiled(fhir, demo.patientId(), filedBefore + accepted.get());
                Histogram notices = noticeLatencies(stack, staff, demo.patientId(), parameters.noticeSamples());
                return report(parameters, date, startSeconds, sandbox, portal, accepted.get(), filing, notices);
            }
        }
    }

    private static LoadResult sandboxWrites(String fhir, String patientId, Parameters parameters) {
        List<HttpClient> clients = clients(parameters.clients());
        URI uri = URI.create(fhir + "/Communication");
        return LoadGenerator.run(
                "sandbox POST /fhir/Communication",
                parameters.clients(),
                parameters.warmup(),
                parameters.duration(),
                parameters.maxRequests(),
                client -> {
                    String body = "{\"resourceType\":\"Communication\",\"status\":\"completed\","
                            + "\"identifier\":[{\"system\":\"urn:bench\",\"value\":\"" + UUID.randomUUID() + "\"}],"
                            + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},"
                            + "\"sender\":{\"reference\":\"Patient/" + patientId + "\"},"
                            + "\"payload\":[{\"contentString\":\"A benchmark message of ordinary length, about as "
                            + "long as a question to the care team.\"}]}";
                    HttpResponse<String> response = clients.get(client)
                            .send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(30))
                                            .header("Content-Type", "application/fhir+json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 201 ? null : "HTTP " + response.statusCode();
                });
    }

    private static String firstRecipient(LocalPortal stack, RefreshingToken patient) {
        HttpResponse<String> recipients =
                LoopbackHttp.get(LoopbackHttp.client(), stack.gatewayUrl() + "/api/messages/recipients", patient.get());
        if (recipients == null || recipients.statusCode() != 200) {
            throw new IllegalStateException("GET /api/messages/recipients did not answer 200 before the run: "
                    + (recipients == null ? "no answer" : recipients.statusCode() + " " + recipients.body()));
        }
        return JSON.readTree(recipients.body())
                .path("recipients")
                .path(0)
                .path("reference")
                .asString();
    }

    private static LoadResult submissions(
            LocalPortal stack, RefreshingToken patient, String recipient, AtomicLong accepted, Parameters parameters) {
        List<HttpClient> clients = clients(parameters.clients());
        URI uri = URI.create(stack.gatewayUrl().replace("localhost", "127.0.0.1") + "/api/messages");
        String body = JSON.writeValueAsString(Map.of(
                "recipient", recipient,
                "category", "medical-question",
                "subject", "A question about my care",
                "body", "A benchmark message of ordinary length, about as long as a question to the care team.",
                "concernsOnlyMe", true));
        return LoadGenerator.run(
                "gateway POST /api/messages",
                parameters.clients(),
                parameters.warmup(),
                parameters.duration(),
                parameters.maxRequests(),
                client -> {
                    HttpResponse<String> response = clients.get(client)
                            .send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(30))
                                            .header("Authorization", "Bearer " + patient.get())
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 201) {
                        return "HTTP " + response.statusCode();
                    }
                    accepted.incrementAndGet();
                    // accepted and held sealed for a later filing is not a failure, but it is not this path's figure
                    return JSON.readTree(response.body()).path("filed").asBoolean() ? null : "accepted, filed later";
                });
    }

    /** How long after the run the EMR took to hold every accepted message (durability, not speed). */
    private static Duration awaitFiled(String fhir, String patientId, long expected) {
        long begin = System.nanoTime();
        long deadline = begin + Duration.ofMinutes(3).toNanos();
        int count = communications(fhir, patientId);
        while (count < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "after 3 minutes the EMR holds " + count + " Communications of " + expected + " expected");
            }
            sleep(Duration.ofMillis(500));
            count = communications(fhir, patientId);
        }
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    private static int communications(String fhir, String patientId) {
        HttpResponse<String> response = LoopbackHttp.get(
                LoopbackHttp.client(), fhir + "/Communication?patient=" + patientId + "&_summary=count", null);
        if (response == null || response.statusCode() != 200) {
            throw new IllegalStateException("cannot count the patient's Communications in the sandbox");
        }
        return JSON.readTree(response.body()).path("total").asInt();
    }

    /** One at a time: a clinician's new message to the patient, until the patient's mailbox holds one more. */
    private static Histogram noticeLatencies(LocalPortal stack, RefreshingToken staff, String patientId, int samples) {
        HttpClient http = LoopbackHttp.client();
        URI uri = URI.create("http://127.0.0.1:" + stack.ports().messaging() + "/internal/staff/messages");
        String body = JSON.writeValueAsString(
                Map.of("patientId", patientId, "subject", "From your care team", "body", "A benchmark message."));
        Histogram latencies = new Histogram(Duration.ofMinutes(2).toNanos() / 1_000, 3);
        try {
            for (int i = 0; i < samples; i++) {
                int before = noticesTo(stack, DEMO_MAIL);
                long sent = System.nanoTime();
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + staff.get())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException("staff message refused: " + response.statusCode());
                }
                long deadline = sent + Duration.ofMinutes(2).toNanos();
                while (noticesTo(stack, DEMO_MAIL) <= before) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no notice within 2 minutes");
                    }
                    sleep(Duration.ofMillis(20));
                }
                latencies.recordValue((System.nanoTime() - sent) / 1_000);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return latencies;
    }

    /** Mails the run's SMTP server received for {@code address}. */
    private static int noticesTo(LocalPortal stack, String address) {
        int count = 0;
        for (jakarta.mail.internet.MimeMessage message : stack.smtp().receivedMessages()) {
            try {
                if (jakarta.mail.internet.InternetAddress.toString(message.getAllRecipients())
                        .contains(address)) {
                    count++;
                }
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return count;
    }

    private static List<HttpClient> clients(int count) {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(LoopbackHttp.client());
        }
        return clients;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static MarkdownReport report(
            Parameters p,
            ZonedDateTime date,
            long startSeconds,
            LoadResult sandbox,
            LoadResult portal,
            long accepted,
            Duration filing,
            Histogram notices) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("concurrent clients (closed loop)", p.clients());
        parameters.put(
                "warm-up / measured, each run",
                p.warmup().toSeconds() + " s / " + p.duration().toSeconds() + " s");
        parameters.put("request cap per run", String.format("%,d", p.maxRequests()));
        parameters.put("notice samples (one at a time)", p.noticeSamples());
        parameters.put("service JVM options", "`" + String.join(" ", p.serviceJvm()) + "`");
        parameters.put("portal start-up (all processes UP)", startSeconds + " s");
        double ratio =
                sandbox.throughputPerSecond() == 0 ? 0 : portal.throughputPerSecond() / sandbox.throughputPerSecond();
        return new MarkdownReport("Secure messaging under load (issue 17)", Machine.current(), date)
                .section("Setup")
                .bullets(List.of(
                        "The whole portal as `LocalPortal` (the launcher) runs it, every process on this machine, "
                                + "with the load generator; all traffic on loopback; gateway rate limits raised to "
                                + "10^9 per minute (still counted in Redis).",
                        "Run 1, the limit: the sandbox's own `POST /fhir/Communication` (the write every message "
                                + "ends in), same clients, same window.",
                        "Run 2: `POST /api/messages` through the gateway with the demo patient's own token, a new "
                                + "thread each: messaging-service reads the care team from the EMR (records-service), "
                                + "writes the thread, the message and the outbox event in PostgreSQL, seals the "
                                + "content and files it through records-service (gRPC, audited) into the sandbox "
                                + "before answering. Answers that say `filed: false` (accepted, filed later) are "
                                + "counted as errors of this row.",
                        "Durability: after run 2 the patient's Communications in the sandbox are counted until they "
                                + "include every accepted message.",
                        "Notice latency: a clinician's new message to the patient (`POST /internal/staff/messages`, "
                                + "filed in the EMR) until the run's SMTP server (polled every 20 ms) holds one "
                                + "more notice for the patient: outbox relay, Kafka, the notice consumer, identity-service's contact "
                                + "lookup, SMTP. One at a time, on the otherwise idle portal."))
                .section("Parameters")
                .parameters(parameters)
                .section("Results")
                .results(List.of(Row.of(sandbox), Row.of(portal)))
                .bullets(List.of(
                        String.format(
                                "Through the portal: %.3f of the sandbox's own write rate in the same run.", ratio),
                        String.format(
                                "Accepted in run 2 (warm-up included): %,d; all of them in the EMR %.1f s after the "
                                        + "run ended.",
                                accepted, filing.toMillis() / 1000.0),
                        String.format(
                                "Care-team message to notice in the mailbox, %d samples: p50 %s, p99 %s, max %s.",
                                notices.getTotalCount(),
                                MarkdownReport.ms(notices.getValueAtPercentile(50)),
                                MarkdownReport.ms(notices.getValueAtPercentile(99)),
                                MarkdownReport.ms(notices.getMaxValue()))));
    }
}
