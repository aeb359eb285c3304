package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.deploy.RenderedManifests.Overlay;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Each overlay renders with kustomize, and every document is a resource of the Kubernetes API model: the built-in
 * kinds parse into fabric8's typed classes without a field the model does not know (a misspelt {@code readinesProbe}
 * would otherwise be dropped by the API server without a word), the operators' kinds into generic resources.
 */
class ManifestsRenderTest {

    /** API groups of the Kubernetes API itself: these must parse into typed classes. */
    static final Set<String> BUILT_IN =
            Set.of("v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "policy/v1", "autoscaling/v2");

    /** The operators' kinds the deployment relies on. */
    static final Set<String> CUSTOM = Set.of(
            "postgresql.cnpg.io/v1 Cluster",
            "kafka.strimzi.io/v1beta2 Kafka",
            "kafka.strimzi.io/v1beta2 KafkaNodePool",
            "kafka.strimzi.io/v1beta2 KafkaTopic",
            "kafka.strimzi.io/v1beta2 KafkaUser",
            "k8s.keycloak.org/v2alpha1 Keycloak",
            "k8s.keycloak.org/v2alpha1 KeycloakRealmImport",
            "cert-manager.io/v1 ClusterIssuer",
            "cert-manager.io/v1 Certificate",
            "monitoring.coreos.com/v1 ServiceMonitor",
            "monitoring.coreos.com/v1 PrometheusRule");

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyDocumentIsAResourceOfTheModel(String name) {
        Overlay overlay = RenderedManifests.overlay(name);
        assertThat(overlay.resources()).hasSameSizeAs(overlay.documents()).hasSizeGreaterThan(50);

        List<String> problems = new ArrayList<>();
        Set<String> customKinds = new TreeSet<>();
        for (HasMetadata resource : overlay.resources()) {
            String kind = resource.getApiVersion() + " " + resource.getKind();
            if (BUILT_IN.contains(resource.getApiVersion())) {
                if (resource instanceof GenericKubernetesResource) {
                    problems.add(RenderedManifests.describe(resource) + ": not a kind of " + resource.getApiVersion());
                }
                unknownFields(resource, RenderedManifests.describe(resource), problems);
            } else if (resource instanceof GenericKubernetesResource) {
                customKinds.add(kind);
            } else {
                problems.add(RenderedManifests.describe(resource) + ": unexpected API group " + kind);
            }
        }
        assertThat(problems).as("overlay %s", name).isEmpty();
        assertThat(customKinds).as("custom resources of overlay %s", name).containsExactlyInAnyOrderElementsOf(CUSTOM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyResourceHasANamespaceExceptTheClusterWideOnes(String name) {
        Set<String> clusterWide = Set.of("Namespace", "ClusterIssuer");
        List<String> missing = RenderedManifests.overlay(name).resources().stream()
                .filter(r -> !clusterWide.contains(r.getKind()))
                .filter(r -> r.getMetadata().getNamespace() == null)
                .map(RenderedManifests::describe)
                .toList();
        assertThat(missing).as("resources without a namespace in %s", name).isEmpty();
    }

    /** Fields the typed model did not know end up in additionalProperties: report them with their path. */
    static void unknownFields(Object node, String path, List<String> problems) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> unknownFields(value, path + "." + key, problems));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": fields the API does not have: " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + getter.getName().substring(3), problems);
            }
        }
    }
}
