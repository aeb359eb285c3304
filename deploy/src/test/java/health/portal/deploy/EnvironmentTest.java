package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Each variable a Deployment sets is one its service reads: a placeholder of its application.yml, a Spring property
 * in environment form, or a helper that another variable's value expands. A misspelt name would otherwise be ignored
 * and the service would start with its local default (localhost, plaintext).
 */
class EnvironmentTest {

    /** Spring Boot binds these from the environment by relaxed binding; JAVA_TOOL_OPTIONS is the JVM's. */
    static final Pattern SPRING_OR_JVM = Pattern.compile("^(SPRING_|SERVER_|MANAGEMENT_SERVER_|JAVA_TOOL_OPTIONS$).*");

    @Test
    void everyVariableIsReadByItsService() throws IOException {
        List<String> unread = new ArrayList<>();
        for (Deployment deployment : RenderedManifests.overlay("production").all(Deployment.class)) {
            String service = deployment.getMetadata().getName();
            Path config = Repository.root().resolve(service).resolve("src/main/resources/application.yml");
            String yaml = Files.readString(config);
            var container =
                    deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
            List<EnvVar> env = Objects.requireNonNullElse(container.getEnv(), List.of());
            String values =
                    env.stream().map(EnvVar::getValue).filter(Objects::nonNull).reduce("", String::concat);
            for (EnvVar variable : env) {
                String name = variable.getName();
                boolean read = yaml.contains("${" + name + "}")
                        || yaml.contains("${" + name + ":")
                        || SPRING_OR_JVM.matcher(name).matches()
                        || values.contains("$(" + name + ")");
                if (!read) {
                    unread.add(RenderedManifests.describe(deployment) + ": " + name + " (not in " + config + ")");
                }
            }
        }
        assertThat(unread).isEmpty();
    }
}
