package health.portal.deploy.zones;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.deploy.RenderedManifests;
import health.portal.deploy.RenderedManifests.Overlay;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The zones as the NetworkPolicies enforce them, computed from the policies and the pods' labels alone
 * ({@link NetworkPolicyEvaluator}): the table below is every connection allowed in the cluster, and the other tests
 * name the rules of issue 20 it implies.
 */
class ZoneMatrixTest {

    /**
     * Every allowed connection, "source -> pod:port" or "source -> address outside". Anything not listed is refused.
     * The gateway reaches Kafka on purpose (deploy/README.md, "The gateway and Kafka"): it sends the audit of every
     * request and the security events, and learns ended access and the current terms, over its KafkaUser's ACLs.
     */
    static final String MATRIX = """
            ingress-controller         -> gateway:8443 keycloak:8443
            prometheus                 -> gateway:8444 identity-service:8081 messaging-service:8082 billing-service:8083
            prometheus                 -> records-service:8084 kafka:9404 keycloak:9000
            prometheus                 -> identity-db:9187 messaging-db:9187 billing-db:9187 keycloak-db:9187
            gateway                    -> identity-service:8081 messaging-service:8082 billing-service:8083
            gateway                    -> records-service:9090 redis:6379 kafka:9093 keycloak:8443
            identity-service           -> identity-db:5432 kafka:9093 keycloak:8443 records-service:9090 smtp
            identity-access-log-verify -> identity-db:5432 kafka:9093 keycloak:8443 records-service:9090 smtp
            messaging-service          -> messaging-db:5432 kafka:9093 keycloak:8443 records-service:9090 smtp
            messaging-service          -> identity-service:8081
            billing-service            -> billing-db:5432 kafka:9093 keycloak:8443 records-service:9090
            records-service            -> kafka:9093 keycloak:8443 emr
            identity-db                -> identity-db:5432 identity-db:8000 api-server
            messaging-db               -> messaging-db:5432 messaging-db:8000 api-server
            billing-db                 -> billing-db:5432 billing-db:8000 api-server
            keycloak-db                -> keycloak-db:5432 keycloak-db:8000 api-server
            cnpg-operator              -> identity-db:5432 identity-db:8000 messaging-db:5432 messaging-db:8000
            cnpg-operator              -> billing-db:5432 billing-db:8000 keycloak-db:5432 keycloak-db:8000
            kafka                      -> kafka:9090 kafka:9091
            kafka-entity-operator      -> kafka:9091 api-server
            strimzi-operator           -> kafka:9090 kafka:9091 kafka:8443
            keycloak                   -> keycloak:7800 keycloak:57800 keycloak-db:5432 smtp
            keycloak-operator          -> api-server
            """;

    /** Where each overlay puts what is outside the cluster (its patches of the ipBlocks). */
    static final Map<String, List<ZoneMatrix.External>> OUTSIDE = Map.of(
            "local",
            List.of(
                    new ZoneMatrix.External("emr", "172.18.0.1", 8090),
                    new ZoneMatrix.External("smtp", "172.18.0.1", 3025),
                    new ZoneMatrix.External("api-server", "172.18.0.2", 6443),
                    new ZoneMatrix.External("internet", "203.0.113.7", 443)),
            "production",
            List.of(
                    new ZoneMatrix.External("emr", "10.40.12.20", 443),
                    new ZoneMatrix.External("smtp", "10.40.20.25", 587),
                    new ZoneMatrix.External("api-server", "10.0.0.1", 443),
                    new ZoneMatrix.External("internet", "203.0.113.7", 443)));

    static final Set<String> DATABASES = Set.of("identity-db", "messaging-db", "billing-db", "keycloak-db");

    static final Set<String> APPLICATION_SERVICES = Set.of("identity-service", "messaging-service", "billing-service");

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theClusterAllowsExactlyTheMatrix(String overlay) {
        SortedSet<String> allowed = flows(overlay);
        SortedSet<String> expected = expected();

        assertThat(difference(allowed, expected))
                .as("allowed in %s but not in the matrix", overlay)
                .isEmpty();
        assertThat(difference(expected, allowed))
                .as("in the matrix but refused in %s", overlay)
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void onlyRecordsServiceReachesTheEmrAndNothingReachesTheInternet(String overlay) {
        assertThat(sourcesOf(flows(overlay), target -> target.equals("emr"))).containsExactly("records-service");
        assertThat(sourcesOf(flows(overlay), target -> target.equals("internet")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theGatewayReachesNoDatabaseAndNoEmrAndKafkaOnlyOnItsClientListener(String overlay) {
        Set<String> targets = targetsOf(flows(overlay), "gateway");
        assertThat(targets).noneMatch(target -> DATABASES.contains(pod(target))).doesNotContain("emr");
        assertThat(targets.stream().filter(target -> pod(target).equals("kafka")))
                .containsExactly("kafka:9093");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void fromTheDmzOnlyTheGatewayReachesTheInnerZoneAndOnlyItsGrpcPort(String overlay) {
        Overlay rendered = RenderedManifests.overlay(overlay);
        Map<String, String> namespaceOf =
                PortalPods.pods(rendered).stream().collect(Collectors.toMap(Pod::name, Pod::namespace));
        Set<String> dmzToInner = flows(overlay).stream()
                .filter(flow -> "portal-dmz".equals(namespaceOf.get(source(flow))))
                .filter(flow -> "portal-inner".equals(namespaceOf.get(pod(target(flow)))))
                .collect(Collectors.toSet());
        assertThat(dmzToInner).containsExactly("gateway -> records-service:9090");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void applicationServicesReachRecordsServiceOnlyOnGrpc(String overlay) {
        for (String service : APPLICATION_SERVICES) {
            assertThat(targetsOf(flows(overlay), service).stream().filter(t -> pod(t).equals("records-service")))
                    .as(service)
                    .containsExactly("records-service:9090");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void eachDatabaseIsReachedOnlyByItsServiceItselfTheOperatorAndTheScrape(String overlay) {
        Map<String, Set<String>> owners = Map.of(
                "identity-db", Set.of("identity-service", "identity-access-log-verify"),
                "messaging-db", Set.of("messaging-service"),
                "billing-db", Set.of("billing-service"),
                "keycloak-db", Set.of("keycloak"));
        for (String database : DATABASES) {
            Set<String> clients = sourcesOf(flows(overlay), target -> target.equals(database + ":5432"));
            Set<String> expected = new TreeSet<>(owners.get(database));
            expected.addAll(Set.of(database, "cnpg-operator"));
            assertThat(clients).as("clients of %s", database).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyPortalPodResolvesNamesThroughTheClusterDnsOnly(String overlay) {
        Overlay rendered = RenderedManifests.overlay(overlay);
        List<Pod> pods = PortalPods.pods(rendered);
        NetworkPolicyEvaluator evaluator = evaluator(rendered);
        Pod dns = pods.stream()
                .filter(p -> p.name().equals("kube-dns"))
                .findFirst()
                .orElseThrow();
        for (Pod pod : pods) {
            if (pod.namespace().startsWith("portal-") && !pod.name().startsWith("stranger-")) {
                for (Pod.Port port : dns.ports()) {
                    assertThat(evaluator.allows(pod, dns, port))
                            .as("%s -> DNS %s", pod.name(), port)
                            .isTrue();
                }
            }
        }
    }

    /** records-service is configured with the address its policy lets it reach: the same port, and the block. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theEmrUrlOfRecordsServiceIsWhereItsPolicyLetsItGo(String overlay) {
        Overlay rendered = RenderedManifests.overlay(overlay);
        ConfigMap endpoint = rendered.all(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().startsWith("emr-endpoint"))
                .findFirst()
                .orElseThrow();
        URI emr = URI.create(endpoint.getData().get("EMR_FHIR_BASE_URL"));
        int port = emr.getPort() != -1 ? emr.getPort() : "https".equals(emr.getScheme()) ? 443 : 80;
        NetworkPolicy policy = rendered.all(NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getName().equals("records-service-emr"))
                .findFirst()
                .orElseThrow();
        var rule = policy.getSpec().getEgress().getFirst();
        assertThat(rule.getPorts().getFirst().getPort().getIntVal())
                .as("EMR port of %s", emr)
                .isEqualTo(port);
        if (emr.getHost().matches("[0-9.]+")) {
            assertThat(NetworkPolicyEvaluator.inBlock(rule.getTo().getFirst().getIpBlock(), emr.getHost()))
                    .as(
                            "%s in %s",
                            emr.getHost(), rule.getTo().getFirst().getIpBlock().getCidr())
                    .isTrue();
        }
        OUTSIDE.get(overlay).stream()
                .filter(external -> external.name().equals("emr"))
                .forEach(external -> assertThat(external.port()).isEqualTo(port));
    }

    static NetworkPolicyEvaluator evaluator(Overlay overlay) {
        return new NetworkPolicyEvaluator(PortalPods.namespaces(overlay), overlay.all(NetworkPolicy.class));
    }

    private static SortedSet<String> flows(String overlay) {
        Overlay rendered = RenderedManifests.overlay(overlay);
        return ZoneMatrix.flows(evaluator(rendered), PortalPods.pods(rendered), OUTSIDE.get(overlay));
    }

    /** The matrix's lines, one flow per target. */
    static SortedSet<String> expected() {
        SortedSet<String> flows = new TreeSet<>();
        for (String line : MATRIX.strip().split("\n")) {
            String[] sides = line.split("->");
            for (String target : sides[1].trim().split("\\s+")) {
                flows.add(sides[0].trim() + " -> " + target);
            }
        }
        return flows;
    }

    static SortedSet<String> difference(Set<String> a, Set<String> b) {
        SortedSet<String> difference = new TreeSet<>(a);
        difference.removeAll(b);
        return difference;
    }

    private static Set<String> targetsOf(Set<String> flows, String source) {
        return flows.stream()
                .filter(f -> source(f).equals(source))
                .map(ZoneMatrixTest::target)
                .collect(Collectors.toSet());
    }

    private static Set<String> sourcesOf(Set<String> flows, Predicate<String> target) {
        return flows.stream()
                .filter(f -> target.test(target(f)))
                .map(ZoneMatrixTest::source)
                .collect(Collectors.toSet());
    }

    private static String source(String flow) {
        return flow.substring(0, flow.indexOf(" -> "));
    }

    private static String target(String flow) {
        return flow.substring(flow.indexOf(" -> ") + 4);
    }

    private static String pod(String target) {
        int colon = target.indexOf(':');
        return colon < 0 ? target : target.substring(0, colon);
    }
}
