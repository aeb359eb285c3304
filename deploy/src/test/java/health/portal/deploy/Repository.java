package health.portal.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests read: Surefire runs in deploy/, the artefacts are around it. */
public final class Repository {

    private Repository() {}

    public static Path root() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy").resolve("kubernetes")) && Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        return fail("no deploy/kubernetes in %s or above it", start);
    }

    public static Path deploy() {
        return root().resolve("deploy");
    }
}
