package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus alert rules of {@code deploy/monitoring} are valid and do what they say: {@code promtool check rules}
 * on every rule file, {@code promtool test rules} on the unit tests in {@code deploy/monitoring/tests}, and every alert
 * has a test in which it fires and one in which it stays quiet. The files are PrometheusRule manifests, the single
 * source that the cluster gets (through kustomize) and promtool checks: promtool reads their {@code spec}, written
 * out under the files' own names next to a copy of the tests, whose {@code rule_files} name them relatively.
 *
 * <p>Needs promtool on the PATH (Debian/Ubuntu: {@code apt-get install prometheus}; {@code .ci/run} installs it). Without
 * it this test fails rather than skips, so that a build without promtool cannot pass as if the rules were proven.
 */
class MonitoringRulesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final Pattern ALERT = Pattern.compile("^\\s*-\\s*alert:\\s*(\\S+)\\s*$");

    private static final Pattern ALERT_NAME = Pattern.compile("^\\s*alertname:\\s*(\\S+)\\s*$");

    private static final Pattern EXP_ALERTS = Pattern.compile("^\\s*exp_alerts:\\s*(.*?)\\s*$");

    private static final Pattern TEST_CASE = Pattern.compile("^\\s*-\\s*eval_time:.*$");

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static Path monitoring;

    /** The rule groups as promtool reads them: each PrometheusRule's spec, and the tests beside them. */
    @TempDir
    static Path promtoolDir;

    @BeforeAll
    static void findRules() throws IOException {
        monitoring = Repository.deploy().resolve("monitoring");
        for (Path rule : yamlFiles(monitoring)) {
            Files.writeString(promtoolDir.resolve(rule.getFileName().toString()), YAML.asYaml(spec(rule)));
        }
        Files.createDirectories(promtoolDir.resolve("tests"));
        for (Path test : yamlFiles(monitoring.resolve("tests"))) {
            Files.copy(
                    test,
                    promtoolDir.resolve("tests").resolve(test.getFileName().toString()));
        }
    }

    /** Every rule file is a PrometheusRule, and kustomize deploys it unchanged. */
    @Test
    void everyRuleFileIsAPrometheusRuleTheClusterGets() throws IOException {
        List<HasMetadata> deployed = RenderedManifests.overlay("production").ofKind("PrometheusRule");
        for (Path rule : yamlFiles(monitoring)) {
            GenericKubernetesResource resource =
                    YAML.unmarshal(Files.readString(rule), GenericKubernetesResource.class);
            assertThat(resource.getKind()).as("kind of %s", rule).isEqualTo("PrometheusRule");
            assertThat(deployed)
                    .as("PrometheusRules of the production overlay")
                    .anySatisfy(r -> assertThat(((GenericKubernetesResource) r).<Object>get("spec"))
                            .isEqualTo(resource.get("spec")));
        }
        assertThat(deployed).hasSameSizeAs(yamlFiles(monitoring));
    }

    @Test
    void ruleFilesPassPromtoolCheck() throws Exception {
        List<Path> rules = yamlFiles(monitoring);
        assertThat(rules).as("rule files in %s", monitoring).isNotEmpty();

        List<String> command = new ArrayList<>(List.of(promtool().toString(), "check", "rules"));
        rules.forEach(rule ->
                command.add(promtoolDir.resolve(rule.getFileName().toString()).toString()));
        run(command);
    }

    @Test
    void ruleUnitTestsPassPromtoolTest() throws Exception {
        List<Path> tests = yamlFiles(monitoring.resolve("tests"));
        assertThat(tests)
                .as("promtool unit tests in %s", monitoring.resolve("tests"))
                .isNotEmpty();

        List<String> command = new ArrayList<>(List.of(promtool().toString(), "test", "rules"));
        tests.forEach(test -> command.add(promtoolDir
                .resolve("tests")
                .resolve(test.getFileName().toString())
                .toString()));
        run(command);
    }

    /** promtool passes a test file that never names an alert: make sure that none is left out. */
    @Test
    void everyAlertIsTestedFiringAndQuiet() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Path rules : yamlFiles(monitoring)) {
            for (String line : Files.readAllLines(rules)) {
                Matcher alert = ALERT.matcher(line);
                if (alert.matches()) {
                    alerts.add(alert.group(1));
                }
            }
        }
        assertThat(alerts).as("alerts in %s", monitoring).isNotEmpty();

        Map<String, Set<String>> outcomes = new TreeMap<>();
        for (Path test : yamlFiles(monitoring.resolve("tests"))) {
            String alertName = null;
            for (String line : Files.readAllLines(test)) {
                Matcher name = ALERT_NAME.matcher(line);
                Matcher expected = EXP_ALERTS.matcher(line);
                if (TEST_CASE.matcher(line).matches()) {
                    alertName = null; // a new alert_rule_test entry: alertname comes before its exp_alerts
                }
                if (name.matches()) {
                    alertName = name.group(1);
                } else if (alertName != null && expected.matches()) {
                    // "[]": must not fire; anything else (a list on the next lines, or a YAML alias of one): fires
                    outcomes.computeIfAbsent(alertName, a -> new TreeSet<>())
                            .add(expected.group(1).equals("[]") ? "quiet" : "firing");
                    alertName = null;
                }
            }
        }

        List<String> untested = new ArrayList<>();
        for (String alert : alerts) {
            Set<String> tested = outcomes.getOrDefault(alert, Set.of());
            for (String outcome : List.of("firing", "quiet")) {
                if (!tested.contains(outcome)) {
                    untested.add(alert + " (" + outcome + ")");
                }
            }
        }
        assertThat(untested)
                .as("alerts that no promtool test in %s shows firing, or quiet", monitoring.resolve("tests"))
                .isEmpty();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("promtool", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(promtoolDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("%s did not finish within %s; its output so far:%n%s", command, TIMEOUT, read(output));
            }
            if (process.exitValue() != 0) {
                fail("%s exited with %d:%n%s", command, process.exitValue(), read(output));
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path output) throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private static List<Path> yamlFiles(Path directory) throws IOException {
        assertThat(directory).as("directory of the alert rules").isDirectory();
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }

    private static Object spec(Path rule) throws IOException {
        GenericKubernetesResource resource = YAML.unmarshal(Files.readString(rule), GenericKubernetesResource.class);
        Object spec = resource.get("spec");
        assertThat(spec).as("spec of %s", rule).isNotNull();
        return spec;
    }

    private static Path promtool() {
        String command = "promtool";
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir).resolve(command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail(
                "%s is not on the PATH (%s); the alert rules in %s cannot be proven without it. Install it: on"
                        + " Debian/Ubuntu `apt-get install prometheus` (as root; .ci/run does it), elsewhere the"
                        + " Prometheus release archive from https://prometheus.io/download/ has it.",
                command, path, monitoring);
    }
}
