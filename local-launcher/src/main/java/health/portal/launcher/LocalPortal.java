package health.portal.launcher;

import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;
import health.portal.infra.process.LoopbackTls;
import health.portal.infra.redis.RedisServer;
import health.portal.infra.smtp.SmtpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The whole portal on one machine: infrastructure (PostgreSQL, Redis, Kafka, SMTP, Keycloak), the EMR sandbox and
 * every service as its own JVM process, each logging to one file in one folder. Used by the launcher and by the
 * end-to-end tests.
 */
public final class LocalPortal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPortal.class);
    static final List<String> DATABASES = List.of("identity", "messaging", "billing");
    /** The sender of the patients' notices in local runs. */
    static final String NOTICES_FROM = "Patient Portal <no-reply@portal.localhost>";

    private final PortPlan ports;
    private final Path root;
    private final Path logs;
    private final int sandboxPatients;
    private final Tuning tuning;
    private final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
    /** Made for this run: Keycloak takes them at realm import, the services from their arguments. */
    private final Map<String, String> clientSecrets = KeycloakServer.newClientSecrets();
    /** The gateway's management-port credential, new with every run (the gateway has no default). */
    private final String operatorPassword = PostgresServer.randomPassword();
    /** records-service's sealing key pair, new with every run: messaging-service seals waiting messages to it. */
    private final SealingKeys sealing = SealingKeys.generate();

    private KeycloakServer keycloak;
    private PostgresServer postgres;
    private RedisServer redis;
    private SmtpServer smtp;
    private DemoMailbox mailbox;

    private LocalPortal(PortPlan ports, Path root, Path logs, int sandboxPatients, Tuning tuning) {
        this.ports = ports;
        this.root = root;
        this.logs = logs;
        this.sandboxPatients = sandboxPatients;
        this.tuning = tuning;
    }

    /** Starts everything and returns once every process answers UP. */
    public static LocalPortal start(PortPlan ports, Path logs, int sandboxPatients) {
        return start(ports, logs, sandboxPatients, Tuning.NONE);
    }

    /**
     * Settings of one run beyond the launcher's (the benchmarks use them): JVM options that replace the start-fast
     * defaults of the service JVMs (empty keeps them), and extra Spring arguments per service name (e.g. "gateway").
     */
    public record Tuning(List<String> serviceJvmOptions, Map<String, List<String>> serviceArguments) {
        public static final Tuning NONE = new Tuning(List.of(), Map.of());
    }

    /** Like {@link #start(PortPlan, Path, int)}, with the given tuning. */
    public static LocalPortal start(PortPlan ports, Path logs, int sandboxPatients, Tuning tuning) {
        Path root = InfrastructureSettings.projectRoot()
                .orElseThrow(
                        () -> new IllegalStateException(
                                "run the launcher from the project checkout (it starts the jars built under each module's target/)"));
        LocalPortal stack = new LocalPortal(ports, root, logs, sandboxPatients, tuning);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    public PortPlan ports() {
        return ports;
    }

    public KeycloakServer keycloak() {
        return keycloak;
    }

    public String gatewayUrl() {
        return "https://localhost:" + ports.gatewayHttps();
    }

    public Path logs() {
        return logs;
    }

    /** The run's SMTP server (GreenMail): every mail the portal sent, for the end-to-end tests. */
    public SmtpServer smtp() {
        return smtp;
    }

    /** The file that lists every mail of this run (recipient and subject). */
    public Path mailbox() {
        return mailbox.file();
    }

    /**
     * Where billing-service writes the paper-mail batches (the mail vendor's drop folder), under the run's folder: a
     * local run's vendor is whoever opens it.
     */
    public Path paperMailFolder() {
        return logs.resolve("paper-mail");
    }

    /** The client the hospital's billing system posts charges and payments with (client credentials). */
    public String billingSystemClientId() {
        return "billing-system";
    }

    /** That client's secret, new with every run, for a local operator standing in for the billing system. */
    public String billingSystemClientSecret() {
        return clientSecrets.get("BILLING_SYSTEM_CLIENT_SECRET");
    }

    /** The gateway's management port (maintenance switch, metrics), reachable from this machine only. */
    /** The process id of every process this portal started (by name: gateway, records-service, ...), for measuring. */
    public Map<String, Long> processIds() {
        Map<String, Long> ids = new java.util.LinkedHashMap<>();
        synchronized (started) {
            for (AutoCloseable process : started) {
                if (process instanceof ChildProcess child) {
                    ids.put(child.name(), child.pid());
                }
            }
        }
        return ids;
    }

    public String gatewayManagementUrl() {
        return "http://127.0.0.1:" + ports.gatewayManagement() + "/actuator";
    }

    /** User name of the operator credential the management port asks for (HTTP Basic). */
    public String operatorUsername() {
        return "operator";
    }

    public String operatorPassword() {
        return operatorPassword;
    }

    private void startAll() {
        long begin = System.nanoTime();
        checkPortsFree();
        postgres = PostgresServer.shared();
        // Keycloak and Kafka start empty on every run, so the services' databases do too
        DATABASES.forEach(postgres::recreateDatabase);
        redis = RedisServer.shared();
        List<String> classpath = List.of("-cp", System.getProperty("java.class.path"));

        ChildProcess kafka = javaProcess(
                "kafka",
                Stream.concat(
                                Stream.of("-Xmx512m"),
                                Stream.concat(
                                        classpath.stream(),
                                        Stream.of(
                                                "health.portal.infra.kafka.KafkaBroker",
                                                String.valueOf(ports.kafka()))))
                        .toList());
        // in this JVM, so that the run's mail can be listed (DemoMailbox) and read by the end-to-end tests
        smtp = SmtpServer.start(ports.smtp());
        started.add(smtp);
        mailbox = DemoMailbox.start(smtp, logs.resolve("mailbox.txt"));
        started.add(mailbox);
        CompletableFuture<KeycloakServer> keycloakStart = CompletableFuture.supplyAsync(() -> KeycloakServer.start(
                ports.keycloak(),
                ports.keycloakManagement(),
                logs,
                clientSecrets,
                new KeycloakServer.Smtp("127.0.0.1", ports.smtp())));

        List<ServicePlan> services = services();
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        ready.add(CompletableFuture.runAsync(() ->
                kafka.awaitReady(Duration.ofMinutes(2), () -> FreePorts.isListening("127.0.0.1", ports.kafka()))));
        for (ServicePlan service : services) {
            List<String> jvmOptions = tuning.serviceJvmOptions().isEmpty()
                    ? List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                    : tuning.serviceJvmOptions();
            ChildProcess process = javaProcess(
                    service.name(),
                    service.environment(),
                    Stream.of(
                                    jvmOptions.stream(),
                                    Stream.of(
                                            "-jar",
                                            runnableJar(service.module()).toString()),
                                    service.arguments().stream(),
                                    tuning.serviceArguments().getOrDefault(service.name(), List.of()).stream())
                            .flatMap(s -> s)
                            .toList());
            ready.add(CompletableFuture.runAsync(
                    () -> process.awaitReady(Duration.ofMinutes(4), () -> isUp(service.healthUrl()))));
        }
        keycloak = keycloakStart.join();
        started.add(keycloak);
        if (ports.gatewayHttps() != PortPlan.fixed().gatewayHttps()) {
            // the realm file lets browsers back only to the fixed port; a run on other ports (tests) adds its own
            keycloak.allowBrowserOrigin("portal-web", gatewayUrl());
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "the stack did not come up: " + e.getCause().getMessage(), e);
        }
        log.info(
                "Portal up in {} s", Duration.ofNanos(System.nanoTime() - begin).toSeconds());
    }

    private List<ServicePlan> services() {
        String issuer = "http://localhost:" + ports.keycloak() + "/realms/" + KeycloakServer.REALM;
        String kafka = "localhost:" + ports.kafka();
        List<String> common = List.of(
                "--portal.issuer-uri=" + issuer,
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer,
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuer + "/protocol/openid-connect/certs",
                "--spring.kafka.bootstrap-servers=" + kafka);
        List<ServicePlan> plans = new ArrayList<>();
        plans.add(new ServicePlan(
                "emr-sandbox",
                "emr-sandbox",
                "http://localhost:" + ports.emrSandbox() + "/actuator/health",
                List.of("--sandbox.port=" + ports.emrSandbox(), "--sandbox.patients=" + sandboxPatients)));
        plans.add(new ServicePlan(
                "records-service",
                "records-service",
                "http://localhost:" + ports.recordsManagement() + "/actuator/health",
                concat(
                        common,
                        List.of(
                                "--server.port=" + ports.recordsManagement(),
                                "--spring.grpc.server.port=" + ports.recordsGrpc(),
                                // loopback only in local runs; TLS of the inner zone is proven by records-service's own
                                // tests
                                "--spring.grpc.server.ssl.enabled=false",
                                "--spring.grpc.server.host=127.0.0.1",
                                "--records.emr.base-url=http://localhost:" + ports.emrSandbox() + "/fhir")),
                // the private key in the environment, not on a command line that ps shows
                Map.of(
                        "RECORDS_SEALING_KEY_ID",
                        sealing.keyId(),
                        "RECORDS_SEALING_PRIVATE_KEY",
                        sealing.privateKeyPem())));
        for (String db : DATABASES) {
            int port = switch (db) {
                case "identity" -> ports.identity();
                case "messaging" -> ports.messaging();
                default -> ports.billing();
            };
            plans.add(new ServicePlan(
                    db + "-service",
                    db + "-service",
                    "http://localhost:" + port + "/actuator/health",
                    concat(
                            concat(
                                    concat(concat(common, serviceSecrets(db)), serviceSettings(db)),
                                    db.equals("identity") ? identityDatabase() : adminDatabase()),
                            List.of(
                                    "--server.port=" + port,
                                    "--spring.datasource.url=" + postgres.jdbcUrl(db),
                                    "--portal.keycloak.base-url=http://localhost:" + ports.keycloak(),
                                    "--spring.grpc.client.channels.records.address=static://localhost:"
                                            + ports.recordsGrpc(),
                                    "--spring.mail.host=127.0.0.1",
                                    "--spring.mail.port=" + ports.smtp()))));
        }
        plans.add(new ServicePlan(
                "gateway",
                "gateway",
                "https://localhost:" + ports.gatewayHttps() + "/actuator/health",
                concat(
                        common,
                        List.of(
                                "--server.port=" + ports.gatewayHttps(),
                                "--gateway.tls.redirect-port=" + ports.gatewayHttp(),
                                "--management.server.port=" + ports.gatewayManagement(),
                                "--gateway.security.issuer-uri=" + issuer,
                                "--gateway.security.web-client-secret=" + clientSecrets.get("PORTAL_WEB_CLIENT_SECRET"),
                                "--gateway.operator.username=" + operatorUsername(),
                                "--gateway.operator.password=" + operatorPassword,
                                // new with every run, like the client secrets: a local session dies with its run
                                "--gateway.session.encryption-keys=local:" + randomSessionKey(),
                                "--spring.data.redis.host=" + redis.host(),
                                "--spring.data.redis.port=" + redis.port(),
                                "--IDENTITY_SERVICE_URI=http://localhost:" + ports.identity(),
                                "--MESSAGING_SERVICE_URI=http://localhost:" + ports.messaging(),
                                "--BILLING_SERVICE_URI=http://localhost:" + ports.billing(),
                                "--spring.grpc.client.channels.records.address=static://localhost:"
                                        + ports.recordsGrpc(),
                                "--spring.grpc.client.channels.records.negotiation-type=plaintext"))));
        return plans;
    }

    private static String randomSessionKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    private List<String> adminDatabase() {
        return List.of(
                "--spring.datasource.username=" + postgres.username(),
                "--spring.datasource.password=" + postgres.password());
    }

    /**
     * identity-service connects as a role that cannot rewrite its access log and migrates as the owner; its chain key
     * is new with every run, as the database it chains is.
     */
    private List<String> identityDatabase() {
        String password = PostgresServer.randomPassword();
        postgres.ensureLoginRole("identity_app", password);
        return List.of(
                "--spring.datasource.username=identity_app",
                "--spring.datasource.password=" + password,
                "--spring.flyway.user=" + postgres.username(),
                "--spring.flyway.password=" + postgres.password(),
                "--portal.access-log.mac-key=" + PostgresServer.randomPassword() + PostgresServer.randomPassword());
    }

    private ChildProcess javaProcess(String name, List<String> arguments) {
        return javaProcess(name, Map.of(), arguments);
    }

    private ChildProcess javaProcess(String name, Map<String, String> environment, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        ChildProcess process = ChildProcess.start(name, command, environment, root, logs.resolve(name + ".log"));
        started.add(process);
        return process;
    }

    private Path runnableJar(String module) {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().startsWith(module + "-")
                            && p.getFileName().toString().endsWith("-exec.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no runnable jar in " + target + ": build first (./mvnw -Plocal package does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkPortsFree() {
        for (int port : List.of(
                ports.gatewayHttps(),
                ports.gatewayHttp(),
                ports.gatewayManagement(),
                ports.identity(),
                ports.messaging(),
                ports.billing(),
                ports.recordsGrpc(),
                ports.recordsManagement(),
                ports.emrSandbox(),
                ports.keycloak(),
                ports.keycloakManagement(),
                ports.kafka(),
                ports.smtp())) {
            if (FreePorts.isListening("127.0.0.1", port)) {
                throw new IllegalStateException("port " + port + " is already in use: is another portal running?");
            }
        }
    }

    static boolean isUp(String url) {
        try {
            HttpResponse<String> response = insecureLocalClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(3))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Trusts the gateway's self-signed local certificate; only ever used against localhost. */
    public static HttpClient insecureLocalClient() {
        return HttpClient.newBuilder()
                .sslContext(LoopbackTls.trustingContext())
                .connectTimeout(Duration.ofSeconds(3))
                .build();
    }

    /** Each service gets its own client secret and nobody else's. */
    private List<String> serviceSecrets(String db) {
        return switch (db) {
            case "identity" ->
                List.of("--portal.keycloak.client-secret=" + clientSecrets.get("IDENTITY_KEYCLOAK_CLIENT_SECRET"));
            case "messaging" ->
                List.of("--portal.messaging.keycloak.client-secret="
                        + clientSecrets.get("MESSAGING_SERVICE_CLIENT_SECRET"));
            case "billing" ->
                List.of("--billing.keycloak.client-secret=" + clientSecrets.get("BILLING_SERVICE_CLIENT_SECRET"));
            default -> List.of();
        };
    }

    private List<String> serviceSettings(String db) {
        return switch (db) {
            case "messaging" -> messagingSettings();
            case "billing" -> billingSettings();
            default -> List.of();
        };
    }

    /**
     * messaging-service: its service account at Keycloak (for records-service and identity-service's contacts), the
     * public half of records-service's sealing key, records-service over loopback plaintext like the gateway, and
     * the notices' links and mail.
     */
    private List<String> messagingSettings() {
        return List.of(
                "--portal.messaging.keycloak.token-uri=" + tokenUri(),
                "--portal.messaging.keycloak.client-id=messaging-service",
                "--portal.messaging.sealing.key-id=" + sealing.keyId(),
                "--portal.messaging.sealing.public-key=" + sealing.publicKeyPem(),
                "--spring.grpc.client.channels.records.negotiation-type=plaintext",
                "--portal.notices.portal-url=" + gatewayUrl(),
                "--portal.notices.from=" + NOTICES_FROM,
                "--portal.notices.contacts-uri=http://localhost:" + ports.identity());
    }

    /**
     * billing-service: its service account at Keycloak (for records-service's billing rpcs), records-service over
     * loopback plaintext, the billing system's client as the one poster, and the mail vendor's drop folder.
     */
    private List<String> billingSettings() {
        emptyPaperMailFolder();
        return List.of(
                "--billing.keycloak.token-uri=" + tokenUri(),
                "--billing.keycloak.client-id=billing-service",
                "--spring.grpc.client.channels.records.negotiation-type=plaintext",
                "--billing.posting.clients=" + billingSystemClientId(),
                "--billing.paper-mail.drop-folder=" + paperMailFolder().toAbsolutePath());
    }

    /** A run starts from a clean state: no batches of an earlier run's statements, which its database forgot. */
    private void emptyPaperMailFolder() {
        try {
            Files.createDirectories(paperMailFolder());
            try (Stream<Path> files = Files.list(paperMailFolder())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String tokenUri() {
        return "http://localhost:" + ports.keycloak() + "/realms/" + KeycloakServer.REALM
                + "/protocol/openid-connect/token";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    /** Stops every process, last started first. */
    @Override
    public void close() {
        List<AutoCloseable> toStop = new ArrayList<>(started);
        Collections.reverse(toStop);
        toStop.parallelStream().forEach(process -> {
            try {
                process.close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", process, e.getMessage());
            }
        });
    }
}
