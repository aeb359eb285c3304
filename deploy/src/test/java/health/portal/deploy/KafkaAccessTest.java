package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Strimzi's topics and users against the code: a KafkaTopic for every topic of {@code Topics} (read from its source,
 * the one place the names live, so that this module needs no build of platform-events), and ACLs under which only
 * identity-service writes identity events and only the services whose code sends AuditEvent write audit events.
 */
class KafkaAccessTest {

    static final List<String> SERVICES =
            List.of("gateway", "identity-service", "messaging-service", "billing-service", "records-service");

    static final Pattern TOPIC_CONSTANT =
            Pattern.compile("public static final String (\\w+) = \"(portal\\.[a-z.-]+)\";");

    @Test
    void everyTopicOfTheCodeIsAKafkaTopicAndNothingElseIs() throws IOException {
        Set<String> inCode = new TreeSet<>(topics().values());
        Set<String> declared = new TreeSet<>();
        for (GenericKubernetesResource topic : resources("KafkaTopic")) {
            String name = topic.get("spec", "topicName");
            declared.add(name.endsWith(".dlt") ? name.substring(0, name.length() - 4) : name);
        }
        assertThat(declared).isEqualTo(inCode);
    }

    @Test
    void onlyIdentityServiceWritesIdentityEvents() throws IOException {
        String topic = topics().get("IDENTITY_EVENTS");
        assertThat(writers(topic)).containsExactly("identity-service");
        assertThat(writers(topics().get("ACCESS_LOG_HEAD"))).containsExactly("identity-service");
        assertThat(writers(topics().get("TERMS_CURRENT"))).containsExactly("identity-service");
    }

    @Test
    void onlyTheAuditorsWriteAuditEvents() throws IOException {
        Set<String> auditors = auditorsInCode();
        assertThat(auditors).contains("gateway", "records-service");
        assertThat(writers(topics().get("AUDIT_EVENTS"))).isEqualTo(auditors);
    }

    @Test
    void everyServiceLogsInAsItsOwnKafkaUser() {
        Set<String> users = new TreeSet<>();
        resources("KafkaUser").forEach(user -> users.add(user.getMetadata().getName()));
        assertThat(users).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (var deployment :
                RenderedManifests.overlay("production").all(io.fabric8.kubernetes.api.model.apps.Deployment.class)) {
            var container =
                    deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
            String jaas = container.getEnv().stream()
                    .filter(env -> env.getName().equals("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                    .findFirst()
                    .orElseThrow()
                    .getValue();
            assertThat(jaas)
                    .as(RenderedManifests.describe(deployment))
                    .contains("username=\"" + deployment.getMetadata().getName() + "\"");
        }
    }

    /** Users with Write on the topic, by literal name or by a prefix that covers it. */
    static Set<String> writers(String topic) {
        Set<String> writers = new TreeSet<>();
        for (GenericKubernetesResource user : resources("KafkaUser")) {
            List<Map<String, Object>> acls = user.get("spec", "authorization", "acls");
            for (Map<String, Object> acl : acls) {
                @SuppressWarnings("unchecked")
                Map<String, String> resource = (Map<String, String>) acl.get("resource");
                @SuppressWarnings("unchecked")
                List<String> operations = (List<String>) acl.get("operations");
                boolean covers = "topic".equals(resource.get("type"))
                        && ("prefix".equals(resource.get("patternType"))
                                ? topic.startsWith(resource.get("name"))
                                : topic.equals(resource.get("name")) || "*".equals(resource.get("name")));
                if (covers && (operations.contains("Write") || operations.contains("All"))) {
                    writers.add(user.getMetadata().getName());
                }
            }
        }
        return writers;
    }

    /** A service's main code naming the audit topic anywhere but in a listener sends audit events. */
    static Set<String> auditorsInCode() throws IOException {
        Set<String> auditors = new TreeSet<>();
        for (String service : SERVICES) {
            Path sources = Repository.root().resolve(service).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(file)) {
                        if (line.contains("Topics.AUDIT_EVENTS") && !line.contains("@KafkaListener")) {
                            auditors.add(service);
                        }
                    }
                }
            }
        }
        return auditors;
    }

    static Map<String, String> topics() throws IOException {
        Path source =
                Repository.root().resolve("platform/events/src/main/java/health/portal/platform/events/Topics.java");
        Matcher matcher = TOPIC_CONSTANT.matcher(Files.readString(source));
        Map<String, String> topics = new java.util.TreeMap<>();
        while (matcher.find()) {
            topics.put(matcher.group(1), matcher.group(2));
        }
        assertThat(topics).as("topic constants in %s", source).hasSizeGreaterThanOrEqualTo(8);
        return topics;
    }

    private static List<GenericKubernetesResource> resources(String kind) {
        List<HasMetadata> found = RenderedManifests.overlay("production").ofKind(kind);
        assertThat(found).as(kind).isNotEmpty();
        return found.stream().map(GenericKubernetesResource.class::cast).toList();
    }
}
