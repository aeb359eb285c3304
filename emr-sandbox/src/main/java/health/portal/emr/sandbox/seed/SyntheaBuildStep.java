package health.portal.emr.sandbox.seed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Build step (exec-maven-plugin, phase process-classes): makes sure the default Synthea set exists in the cache
 * and copies it into target/classes/synthea/ so that the jar carries it.
 * Arguments: mavenHome runnerPom offline=(true|false) targetFolder.
 */
public final class SyntheaBuildStep {

    /** The set packaged into the jar; {@code EmrSandbox.Options} defaults to it. */
    public static final SyntheaData.Key DEFAULT_SET = new SyntheaData.Key(42, 10, 5);

    private SyntheaBuildStep() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: SyntheaBuildStep mavenHome runnerPom offline targetFolder");
        }
        SyntheaData.Maven maven =
                new SyntheaData.Maven(Path.of(args[0]), Path.of(args[1]), args[2].equals("offline=true"));
        Path cached = SyntheaData.ensureGenerated(DEFAULT_SET, SyntheaData.cacheRoot(), maven);
        Path target = Path.of(args[3]).resolve(DEFAULT_SET.folderName());
        Files.createDirectories(target);
        try (var files = Files.list(cached)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("[emr-sandbox] packaged Synthea set " + DEFAULT_SET.folderName() + " from " + cached);
    }
}
