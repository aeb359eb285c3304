package health.portal.infra.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** Build-time facts (versions, local Maven repository) and where things live on this machine. */
public final class InfrastructureSettings {

    private static final Properties BUILD = load();

    private InfrastructureSettings() {}

    public static String keycloakVersion() {
        return BUILD.getProperty("keycloak.version");
    }

    public static Path mavenRepository() {
        String configured = env("PORTAL_MAVEN_REPOSITORY").orElse(BUILD.getProperty("maven.repo.local"));
        if (configured == null || configured.isBlank() || configured.contains("${")) {
            return Path.of(System.getProperty("user.home"), ".m2", "repository");
        }
        return Path.of(configured);
    }

    /** Unpacked distributions, shared by every run on this machine. */
    public static Path cacheDirectory() {
        return env("PORTAL_CACHE_DIR")
                .map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "health-portal"));
    }

    /** The checkout's root: the nearest folder upwards holding deploy/keycloak (tests run in module folders). */
    public static Optional<Path> projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy").resolve("keycloak"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** A folder for logs of processes started by tests: target/ of the module under test. */
    public static Path testLogDirectory() {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        return Files.isDirectory(target)
                ? target.resolve("infrastructure-logs")
                : cacheDirectory().resolve("logs");
    }

    public static Optional<String> env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in =
                InfrastructureSettings.class.getResourceAsStream("/health/portal/infra/infrastructure.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
