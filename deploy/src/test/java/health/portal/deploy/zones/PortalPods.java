package health.portal.deploy.zones;

import health.portal.deploy.RenderedManifests.Overlay;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pods an overlay makes, with the labels they will carry: those of the workloads' templates, those the operators
 * give the pods of the custom resources, and the pods outside the portal that the policies name (the ingress
 * controller, Prometheus, the operators, the cluster DNS), plus an unlabelled stranger in every namespace, which must
 * reach nothing and be reached by nothing.
 */
public final class PortalPods {

    /** Namespaces outside the overlay that the policies name, with the pods of theirs that matter. */
    private static final List<Pod> OUTSIDE = List.of(
            new Pod(
                    "ingress-controller",
                    "ingress-nginx",
                    Map.of("app.kubernetes.io/name", "ingress-nginx"),
                    null,
                    List.of()),
            new Pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"), null, List.of()),
            new Pod(
                    "cnpg-operator",
                    "cnpg-system",
                    Map.of("app.kubernetes.io/name", "cloudnative-pg"),
                    null,
                    List.of()),
            new Pod("strimzi-operator", "strimzi", Map.of("name", "strimzi-cluster-operator"), null, List.of()),
            // the Keycloak Operator is installed into the namespace it watches
            new Pod(
                    "keycloak-operator",
                    "portal-idp",
                    Map.of("app.kubernetes.io/name", "keycloak-operator"),
                    null,
                    List.of()),
            new Pod(
                    "kube-dns",
                    "kube-system",
                    Map.of("k8s-app", "kube-dns"),
                    null,
                    List.of(new Pod.Port("dns", 53, "UDP"), new Pod.Port("dns-tcp", 53, "TCP"))),
            new Pod("stranger", "default", Map.of(), null, List.of()));

    private PortalPods() {}

    public static Map<String, Map<String, String>> namespaces(Overlay overlay) {
        Map<String, Map<String, String>> namespaces = new HashMap<>();
        for (Namespace namespace : overlay.all(Namespace.class)) {
            Map<String, String> labels = new HashMap<>(
                    Objects.requireNonNullElse(namespace.getMetadata().getLabels(), Map.of()));
            labels.put("kubernetes.io/metadata.name", namespace.getMetadata().getName());
            namespaces.put(namespace.getMetadata().getName(), labels);
        }
        for (Pod pod : OUTSIDE) {
            namespaces.putIfAbsent(pod.namespace(), Map.of("kubernetes.io/metadata.name", pod.namespace()));
        }
        return namespaces;
    }

    public static List<Pod> pods(Overlay overlay) {
        List<Pod> pods = new ArrayList<>();
        for (Deployment deployment : overlay.all(Deployment.class)) {
            pods.add(fromTemplate(
                    deployment.getMetadata().getName(),
                    deployment.getMetadata().getNamespace(),
                    deployment.getSpec().getTemplate()));
        }
        for (StatefulSet statefulSet : overlay.all(StatefulSet.class)) {
            pods.add(fromTemplate(
                    statefulSet.getMetadata().getName(),
                    statefulSet.getMetadata().getNamespace(),
                    statefulSet.getSpec().getTemplate()));
        }
        for (CronJob cronJob : overlay.all(CronJob.class)) {
            pods.add(fromTemplate(
                    cronJob.getMetadata().getName(),
                    cronJob.getMetadata().getNamespace(),
                    cronJob.getSpec().getJobTemplate().getSpec().getTemplate()));
        }
        for (GenericKubernetesResource resource : overlay.all(GenericKubernetesResource.class)) {
            operatorPod(resource).ifPresent(pods::add);
        }
        pods.addAll(OUTSIDE);
        for (Namespace namespace : overlay.all(Namespace.class)) {
            pods.add(new Pod(
                    "stranger-" + namespace.getMetadata().getName(),
                    namespace.getMetadata().getName(),
                    Map.of(),
                    null,
                    List.of()));
        }
        return withAddresses(pods);
    }

    /**
     * The labels each operator puts on the pods of its custom resources (CloudNativePG: cnpg.io/cluster and
     * cnpg.io/podRole; Strimzi: strimzi.io/cluster, strimzi.io/name and the node pool's role labels; Keycloak
     * Operator: app=keycloak and its instance) and the ports they listen on.
     */
    private static java.util.Optional<Pod> operatorPod(GenericKubernetesResource resource) {
        String name = resource.getMetadata().getName();
        String namespace = resource.getMetadata().getNamespace();
        Map<String, Object> spec = resource.get("spec");
        return java.util.Optional.ofNullable(
                switch (resource.getKind()) {
                    case "Cluster" ->
                        new Pod(
                                name,
                                namespace,
                                Map.of("cnpg.io/cluster", name, "cnpg.io/podRole", "instance"),
                                null,
                                List.of(
                                        Pod.Port.tcp("postgresql", 5432),
                                        Pod.Port.tcp("status", 8000),
                                        Pod.Port.tcp("metrics", 9187)));
                    case "KafkaNodePool" -> {
                        String cluster = resource.getMetadata().getLabels().get("strimzi.io/cluster");
                        @SuppressWarnings("unchecked")
                        List<String> roles = (List<String>) spec.get("roles");
                        Map<String, String> labels = new LinkedHashMap<>();
                        labels.put("strimzi.io/cluster", cluster);
                        labels.put("strimzi.io/kind", "Kafka");
                        labels.put("strimzi.io/name", cluster + "-kafka");
                        labels.put("strimzi.io/pool-name", name);
                        labels.put("strimzi.io/broker-role", String.valueOf(roles.contains("broker")));
                        labels.put("strimzi.io/controller-role", String.valueOf(roles.contains("controller")));
                        yield new Pod(
                                "kafka",
                                namespace,
                                labels,
                                null,
                                List.of(
                                        Pod.Port.tcp("controlplane", 9090),
                                        Pod.Port.tcp("replication", 9091),
                                        Pod.Port.tcp("tls", 9093),
                                        Pod.Port.tcp("metrics", 9404),
                                        Pod.Port.tcp("agent", 8443)));
                    }
                    case "Kafka" ->
                        spec.containsKey("entityOperator")
                                ? new Pod(
                                        "kafka-entity-operator",
                                        namespace,
                                        Map.of(
                                                "strimzi.io/cluster",
                                                name,
                                                "strimzi.io/kind",
                                                "Kafka",
                                                "strimzi.io/name",
                                                name + "-entity-operator"),
                                        null,
                                        List.of())
                                : null;
                    case "Keycloak" ->
                        new Pod(
                                name,
                                namespace,
                                Map.of(
                                        "app",
                                        "keycloak",
                                        "app.kubernetes.io/instance",
                                        name,
                                        "app.kubernetes.io/managed-by",
                                        "keycloak-operator"),
                                null,
                                List.of(
                                        Pod.Port.tcp("https", 8443), Pod.Port.tcp("management", 9000),
                                        Pod.Port.tcp("jgroups", 7800), Pod.Port.tcp("jgroups-fd", 57800)));
                    default -> null;
                });
    }

    private static Pod fromTemplate(String name, String namespace, PodTemplateSpec template) {
        List<Pod.Port> ports = new ArrayList<>();
        for (var container : template.getSpec().getContainers()) {
            for (ContainerPort port : Objects.requireNonNullElse(container.getPorts(), List.<ContainerPort>of())) {
                ports.add(new Pod.Port(
                        port.getName(),
                        port.getContainerPort(),
                        Objects.requireNonNullElse(port.getProtocol(), "TCP")));
            }
        }
        return new Pod(name, namespace, template.getMetadata().getLabels(), null, ports);
    }

    /** Pod addresses from the pod network 10.244.0.0/16, which no ipBlock of the overlays may cover by accident. */
    private static List<Pod> withAddresses(List<Pod> pods) {
        List<Pod> addressed = new ArrayList<>();
        for (int i = 0; i < pods.size(); i++) {
            Pod pod = pods.get(i);
            addressed.add(new Pod(
                    pod.name(),
                    pod.namespace(),
                    pod.labels(),
                    "10.244." + (i / 250) + "." + (i % 250 + 1),
                    pod.ports()));
        }
        return addressed;
    }
}
