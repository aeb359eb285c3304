package health.portal.infra.keycloak;

import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;
import health.portal.infra.smtp.SmtpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak (org.keycloak:keycloak-quarkus-dist from Maven Central), unpacked once per machine and started as a
 * process that imports the project's realm (deploy/keycloak/portal-realm.json) at start-up ({@code --import-realm}),
 * as a deployment does. The realm file holds no secret: its clients' secrets are placeholders ({@code
 * ${PORTAL_WEB_CLIENT_SECRET}}) that Keycloak fills from its environment at import, and each start here makes new
 * random ones. Data live in memory: every start begins from the realm file.
 * <p>
 * Set PORTAL_KEYCLOAK_URL to use a Keycloak that already runs with the realm imported instead of starting one; its
 * client secrets then come from the same environment variables.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String REALM = "portal";
    private static final Logger log = LoggerFactory.getLogger(KeycloakServer.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String BUILD_OPTIONS = "--db=dev-mem --health-enabled=true";
    private static volatile KeycloakServer shared;

    private final String baseUrl;
    private final String adminUsername;
    private final String adminPassword;
    private final JsonNode realm;
    private final Map<String, String> secrets;
    private final ChildProcess process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(
            String baseUrl,
            String adminUsername,
            String adminPassword,
            JsonNode realm,
            Map<String, String> secrets,
            ChildProcess process) {
        this.baseUrl = baseUrl;
        this.adminUsername = adminUsername;
        this.adminPassword = adminPassword;
        this.realm = realm;
        this.secrets = secrets;
        this.process = process;
    }

    /** One Keycloak for this test JVM on free ports, stopped at exit. */
    public static KeycloakServer shared() {
        if (shared == null) {
            synchronized (KeycloakServer.class) {
                if (shared == null) {
                    KeycloakServer server = InfrastructureSettings.env("PORTAL_KEYCLOAK_URL")
                            .map(url -> new KeycloakServer(
                                    url,
                                    InfrastructureSettings.env("PORTAL_KEYCLOAK_ADMIN")
                                            .orElse("admin"),
                                    InfrastructureSettings.env("PORTAL_KEYCLOAK_ADMIN_PASSWORD")
                                            .orElse("admin"),
                                    readRealm(),
                                    secretsFromEnvironment(readRealm()),
                                    null))
                            .orElseGet(() -> start(
                                    FreePorts.find(), FreePorts.find(), InfrastructureSettings.testLogDirectory()));
                    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keycloak-stop"));
                    shared = server;
                }
            }
        }
        return shared;
    }

    /** Starts Keycloak on the given ports with the realm imported; the caller stops it. */
    public static KeycloakServer start(int httpPort, int managementPort, Path logDirectory) {
        return start(httpPort, managementPort, logDirectory, newClientSecrets());
    }

    /**
     * Starts Keycloak with the given client secrets (by the realm file's placeholder names, see {@link
     * #newClientSecrets()}), for a launcher that hands the same secrets to the services while Keycloak starts.
     */
    public static KeycloakServer start(
            int httpPort, int managementPort, Path logDirectory, Map<String, String> secrets) {
        SmtpServer smtp = SmtpServer.shared();
        return start(httpPort, managementPort, logDirectory, secrets, new Smtp(smtp.host(), smtp.port()));
    }

    /** Where Keycloak sends its mails (password reset): the realm file's smtpServer placeholders. */
    public record Smtp(String host, int port) {

        /** The sender of Keycloak's mails locally; a deployment gives its own. */
        public static final String FROM = "no-reply@portal.health.invalid";

        Map<String, String> environment() {
            // a local relay (GreenMail) speaks plain SMTP on loopback; a deployment's sets STARTTLS
            return Map.of(
                    "KEYCLOAK_SMTP_HOST",
                    host,
                    "KEYCLOAK_SMTP_PORT",
                    Integer.toString(port),
                    "KEYCLOAK_SMTP_FROM",
                    FROM,
                    "KEYCLOAK_SMTP_STARTTLS",
                    "false");
        }
    }

    /** As {@link #start(int, int, Path, Map)}, sending mail through the given SMTP server. */
    public static KeycloakServer start(
            int httpPort, int managementPort, Path logDirectory, Map<String, String> secrets, Smtp smtp) {
        Path home = installation();
        String baseUrl = "http://localhost:" + httpPort;
        String admin = "admin";
        String adminPassword = "admin";
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin/kc.sh").toString(),
                "start",
                "--optimized",
                "--http-enabled=true",
                "--http-host=127.0.0.1",
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort,
                // a fixed issuer, whatever host name a caller uses
                "--hostname=" + baseUrl));
        JsonNode realm = readRealm();
        Map<String, String> environment = new HashMap<>(secrets);
        environment.putAll(smtp.environment());
        environment.putAll(Map.of(
                "JAVA_HOME",
                System.getProperty("java.home"),
                "KC_BOOTSTRAP_ADMIN_USERNAME",
                admin,
                "KC_BOOTSTRAP_ADMIN_PASSWORD",
                adminPassword,
                "JAVA_OPTS_KC_HEAP",
                "-Xms64m -Xmx768m",
                // jboss-threads resets thread locals reflectively; Java 24+ needs this opened
                "JAVA_OPTS_APPEND",
                "--add-opens=java.base/java.lang=ALL-UNNAMED"));
        command.add("--import-realm");
        long started = System.nanoTime();
        KeycloakServer server;
        // every start imports from the one data/import of the installation: one start at a time reads it
        try (FileChannel channel = FileChannel.open(
                        home.resolve("import.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            Path imports = home.resolve("data/import");
            Files.createDirectories(imports);
            Files.writeString(imports.resolve(REALM + "-realm.json"), JSON.writeValueAsString(realm));
            ChildProcess process = ChildProcess.start(
                    "Keycloak", command, environment, home, logDirectory.resolve("keycloak-" + httpPort + ".log"));
            server = new KeycloakServer(baseUrl, admin, adminPassword, realm, secrets, process);
            process.awaitReady(Duration.ofMinutes(4), server::hasRealm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.info(
                "Keycloak ready at {} with realm {} in {} s",
                baseUrl,
                REALM,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        return server;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The issuer of the portal realm's tokens. */
    public String issuerUri() {
        return baseUrl + "/realms/" + REALM;
    }

    public String adminUsername() {
        return adminUsername;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** The secret a confidential client of the realm file authenticates with (made for this start). */
    public String clientSecret(String clientId) {
        String variable = secretVariables(realm).get(clientId);
        if (variable == null) {
            throw new IllegalArgumentException("no confidential client " + clientId + " in the realm file");
        }
        return secrets.get(variable);
    }

    /**
     * The client secrets of this start by the environment variable the realm file names for each (for example
     * {@code PORTAL_WEB_CLIENT_SECRET}): what a deployment gives Keycloak and the client alike.
     */
    public Map<String, String> clientSecrets() {
        return Map.copyOf(secrets);
    }

    /** Each confidential client's secret placeholder in the realm file, e.g. portal-web -> PORTAL_WEB_CLIENT_SECRET. */
    static Map<String, String> secretVariables(JsonNode realm) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (JsonNode client : realm.path("clients")) {
            String secret = client.path("secret").asString("");
            if (secret.startsWith("${") && secret.endsWith("}")) {
                variables.put(client.path("clientId").asString(), secret.substring(2, secret.length() - 1));
            }
        }
        return variables;
    }

    /** New random secrets for every confidential client of the realm file, by placeholder name. */
    public static Map<String, String> newClientSecrets() {
        Map<String, String> secrets = new HashMap<>();
        SecureRandom random = new SecureRandom();
        for (String variable : secretVariables(readRealm()).values()) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            secrets.put(variable, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return secrets;
    }

    private static Map<String, String> secretsFromEnvironment(JsonNode realm) {
        Map<String, String> secrets = new HashMap<>();
        for (String variable : secretVariables(realm).values()) {
            InfrastructureSettings.env(variable).ifPresent(value -> secrets.put(variable, value));
        }
        return secrets;
    }

    /** A token of the master realm's admin, for the admin REST API. */
    public String adminAccessToken() {
        JsonNode token = postForm(
                baseUrl + "/realms/master/protocol/openid-connect/token",
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        "admin-cli",
                        "username",
                        adminUsername,
                        "password",
                        adminPassword));
        return token.path("access_token").asString();
    }

    /** A token of a confidential client's service account (client credentials grant). */
    public String serviceAccountToken(String clientId) {
        return serviceAccountToken(clientId, clientSecret(clientId));
    }

    /**
     * Creates a confidential client with a service account holding the given realm roles, through the admin API (for
     * tests that need a caller the realm file does not have), and returns its secret.
     *
     * @param portalApiAudience whether its tokens name the portal's API audience, as every client of the portal's
     *                          own does
     */
    public String createServiceClient(String clientId, boolean portalApiAudience, List<String> realmRoles) {
        String token = adminAccessToken();
        String secret = clientId + "-" + UUID.randomUUID();
        List<Map<String, Object>> mappers = portalApiAudience
                ? List.of(Map.of(
                        "name", "portal-api audience",
                        "protocol", "openid-connect",
                        "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.custom.audience", "portal-api", "access.token.claim", "true")))
                : List.of();
        String client = JSON.writeValueAsString(Map.of(
                "clientId", clientId,
                "enabled", true,
                "publicClient", false,
                "secret", secret,
                "standardFlowEnabled", false,
                "serviceAccountsEnabled", true,
                "protocolMappers", mappers));
        String id = create("/clients", token, client, "client " + clientId);
        JsonNode serviceAccount = JSON.readTree(send(adminRequest("/clients/" + id + "/service-account-user", token)
                        .GET()
                        .build())
                .body());
        grantRealmRoles(token, serviceAccount.path("id").asString(), realmRoles);
        return secret;
    }

    /**
     * Lets a browser client of the realm file (portal-web) send users back to {@code origin} (e.g.
     * {@code https://localhost:41234}) after sign-in and sign-out: the realm file names the launcher's fixed gateway
     * port only, and tests and benchmarks run the gateway on a free one.
     */
    public void allowBrowserOrigin(String clientId, String origin) {
        String token = adminAccessToken();
        JsonNode found = JSON.readTree(send(adminRequest("/clients?clientId=" + clientId, token)
                                .GET()
                                .build())
                        .body())
                .path(0);
        if (found.isMissingNode()) {
            throw new IllegalArgumentException("no client " + clientId + " in the realm");
        }
        tools.jackson.databind.node.ObjectNode client = (tools.jackson.databind.node.ObjectNode) found;
        java.util.Set<String> redirects = new java.util.LinkedHashSet<>();
        client.path("redirectUris").forEach(uri -> redirects.add(uri.asString()));
        redirects.add(origin + "/*");
        tools.jackson.databind.node.ArrayNode redirectArray = client.putArray("redirectUris");
        redirects.forEach(redirectArray::add);
        tools.jackson.databind.node.ObjectNode attributes =
                (tools.jackson.databind.node.ObjectNode) client.path("attributes");
        String logout = attributes.path("post.logout.redirect.uris").asString("");
        attributes.put("post.logout.redirect.uris", logout.isEmpty() ? origin + "/*" : logout + "##" + origin + "/*");
        HttpResponse<String> updated =
                send(adminRequest("/clients/" + client.path("id").asString(), token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(client)))
                        .build());
        if (updated.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "Keycloak refused the redirect URIs of " + clientId + ": " + updated.statusCode());
        }
    }

    /** A token of a client's service account, given its secret (client credentials grant). */
    public String serviceAccountToken(String clientId, String secret) {
        return postForm(
                        issuerUri() + "/protocol/openid-connect/token",
                        Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret))
                .path("access_token")
                .asString();
    }

    /** Creates a realm object through the admin API and returns the id Keycloak gave it. */
    private String create(String path, String token, String json, String what) {
        HttpResponse<String> created = send(adminRequest(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
        if (created.statusCode() != 201) {
            throw new IllegalStateException(
                    "Keycloak refused " + what + ": " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private HttpRequest.Builder adminRequest(String path, String token) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + REALM + path))
                .header("Authorization", "Bearer " + token);
    }

    /** The client staff tooling signs in with: authorization code with PKCE, one-time code required. */
    public static final String STAFF_CLIENT = "portal-staff";

    /** Where the staff client's redirect goes in tests: a loopback address, as for a desktop tool (RFC 8252). */
    public static final String STAFF_REDIRECT_URI = "http://127.0.0.1/staff-callback";

    /**
     * Creates a named member of staff through the admin API: their password, an authenticator app already set up (the
     * OTP credential Keycloak would store after they scanned its QR code), and the given realm roles
     * ({@code front-desk}, {@code privacy-officer}, {@code clinician}, {@code billing-office}).
     */
    public StaffUser createStaffUser(String username, String firstName, String lastName, List<String> realmRoles) {
        String token = adminAccessToken();
        String password = "Staff-" + UUID.randomUUID();
        String totpSecret = UUID.randomUUID().toString().replace("-", "");
        String user = JSON.writeValueAsString(Map.of(
                "username",
                username,
                "enabled",
                true,
                "email",
                username + "@staff.portal.invalid",
                "emailVerified",
                true,
                "firstName",
                firstName,
                "lastName",
                lastName,
                "credentials",
                List.of(
                        Map.of("type", "password", "value", password, "temporary", false),
                        Map.of(
                                "type",
                                "otp",
                                "userLabel",
                                "authenticator app",
                                "secretData",
                                JSON.writeValueAsString(Map.of("value", totpSecret)),
                                "credentialData",
                                JSON.writeValueAsString(Map.of(
                                        "subType", "totp",
                                        "digits", 6,
                                        "counter", 0,
                                        "period", 30,
                                        "algorithm", "HmacSHA1"))))));
        String userId = create("/users", token, user, "staff user " + username);
        grantRealmRoles(token, userId, realmRoles);
        return new StaffUser(userId, username, password, totpSecret);
    }

    /** Signs a member of staff in through the staff client, password and one-time code, and returns the tokens. */
    public BrowserSignIn.Tokens staffSignIn(StaffUser staff) {
        BrowserSignIn.Result result = BrowserSignIn.attempt(BrowserSignIn.Request.of(
                        issuerUri(), STAFF_CLIENT, null, STAFF_REDIRECT_URI, staff.username(), staff.password())
                .oneTimeCodes(staff::oneTimeCode));
        if (!result.succeeded()) {
            throw new IllegalStateException("staff sign-in of " + staff.username() + " did not complete: status "
                    + result.status() + ", form " + result.formId() + ", message " + result.message());
        }
        return result.tokens();
    }

    private void grantRealmRoles(String token, String userId, List<String> realmRoles) {
        List<JsonNode> roles = new ArrayList<>();
        for (String role : realmRoles) {
            HttpResponse<String> found =
                    send(adminRequest("/roles/" + role, token).GET().build());
            if (found.statusCode() != 200) {
                throw new IllegalArgumentException("no realm role " + role + " in the realm file");
            }
            roles.add(JSON.readTree(found.body()));
        }
        send(adminRequest("/users/" + userId + "/role-mappings/realm", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(roles)))
                .build());
    }

    /**
     * Creates a patient user directly through the admin API (for tests of other services and the launcher before
     * enrollment exists): enabled, password set, realm role patient, attribute patient_id. Returns the user id.
     */
    public String createPatientUser(
            String username, String password, String email, String patientId, String firstName, String lastName) {
        return createPatientUser(
                username,
                email,
                patientId,
                firstName,
                lastName,
                Map.of("type", "password", "value", password, "temporary", false));
    }

    /**
     * As {@link #createPatientUser(String, String, String, String, String, String)}, with a password set at {@code
     * passwordSetAt}: the credential is stored already hashed with that creation date, the way a realm export or a
     * migrated user store brings it, so that the realm's forceExpiredPasswordChange sees a password of that age.
     * Keycloak has no other way to age a credential short of moving its clock.
     */
    public String createPatientUser(
            String username,
            String password,
            String email,
            String patientId,
            String firstName,
            String lastName,
            java.time.Instant passwordSetAt) {
        return createPatientUser(
                username, email, patientId, firstName, lastName, hashedPassword(password, passwordSetAt));
    }

    /** A password credential as Keycloak stores one (pbkdf2-sha512, which it verifies whatever its default). */
    private static Map<String, Object> hashedPassword(String password, java.time.Instant createdAt) {
        int iterations = 210_000;
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] hash;
        try {
            hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 512))
                    .getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "type",
                "password",
                "createdDate",
                createdAt.toEpochMilli(),
                "secretData",
                JSON.writeValueAsString(Map.of(
                        "value",
                        Base64.getEncoder().encodeToString(hash),
                        "salt",
                        Base64.getEncoder().encodeToString(salt),
                        "additionalParameters",
                        Map.of())),
                "credentialData",
                JSON.writeValueAsString(Map.of(
                        "hashIterations", iterations, "algorithm", "pbkdf2-sha512", "additionalParameters", Map.of())));
    }

    private String createPatientUser(
            String username,
            String email,
            String patientId,
            String firstName,
            String lastName,
            Map<String, Object> credential) {
        String token = adminAccessToken();
        String user = JSON.writeValueAsString(Map.of(
                "username",
                username,
                "enabled",
                true,
                "email",
                email,
                "emailVerified",
                true,
                "firstName",
                firstName,
                "lastName",
                lastName,
                "attributes",
                Map.of("patient_id", List.of(patientId)),
                "credentials",
                List.of(credential)));
        String userId = create("/users", token, user, "user " + username);
        grantRealmRoles(token, userId, List.of("patient"));
        return userId;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    /** Up, with the realm imported (the import runs before Keycloak answers, but it does no harm to ask for it). */
    private boolean hasRealm() {
        try {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/" + REALM))
                                    .GET()
                                    .build())
                            .statusCode()
                    == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private JsonNode postForm(String url, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "Keycloak token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The realm file of the checkout when run from it, else the copy packaged into this module. */
    static JsonNode readRealm() {
        Path file = InfrastructureSettings.projectRoot()
                .map(root -> root.resolve("deploy/keycloak/portal-realm.json"))
                .filter(Files::isRegularFile)
                .orElse(null);
        try (InputStream in = file != null
                ? Files.newInputStream(file)
                : KeycloakServer.class.getResourceAsStream("/keycloak/portal-realm.json")) {
            if (in == null) {
                throw new IllegalStateException("realm file not found: deploy/keycloak/portal-realm.json");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unpacks the distribution from the local Maven repository (the build downloads it) into the machine's cache and
     * runs Keycloak's build step once; a file lock keeps concurrent test JVMs from doing it twice.
     */
    static Path installation() {
        String version = InfrastructureSettings.keycloakVersion();
        Path zip = InfrastructureSettings.mavenRepository()
                .resolve(
                        "org/keycloak/keycloak-quarkus-dist/" + version + "/keycloak-quarkus-dist-" + version + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("Keycloak distribution missing at " + zip
                    + ": build the project once (./mvnw verify downloads it) or set PORTAL_MAVEN_REPOSITORY.");
        }
        Path cache = InfrastructureSettings.cacheDirectory();
        Path home = cache.resolve("keycloak-" + version);
        Path marker = home.resolve(".portal-built");
        try {
            Files.createDirectories(cache);
            try (FileChannel channel = FileChannel.open(
                            cache.resolve("keycloak-" + version + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                if (Files.isRegularFile(marker) && Files.readString(marker).equals(BUILD_OPTIONS)) {
                    return home;
                }
                log.info("Unpacking Keycloak {} into {}", version, home);
                unzip(zip, cache);
                ChildProcess build = ChildProcess.start(
                        "Keycloak build",
                        List.of(home.resolve("bin/kc.sh").toString(), "build", "--db=dev-mem", "--health-enabled=true"),
                        Map.of("JAVA_HOME", System.getProperty("java.home")),
                        home,
                        cache.resolve("keycloak-build.log"));
                if (build.awaitExit(Duration.ofMinutes(5)) != 0) {
                    throw new IllegalStateException("Keycloak build failed:\n" + build.tailOfLog(30));
                }
                Files.writeString(marker, BUILD_OPTIONS);
                return home;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    if (out.getFileName().toString().endsWith(".sh")) {
                        out.toFile().setExecutable(true);
                    }
                }
            }
        }
    }
}
