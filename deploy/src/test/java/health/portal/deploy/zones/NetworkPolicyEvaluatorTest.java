package health.portal.deploy.zones;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.deploy.RenderedManifests;
import health.portal.deploy.RenderedManifests.Overlay;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The evaluator on tiny hand-made policy sets, so that the zone matrix cannot pass because the evaluator is blind. */
class NetworkPolicyEvaluatorTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    static final Map<String, Map<String, String>> NAMESPACES = Map.of(
            "a", Map.of("kubernetes.io/metadata.name", "a", "zone", "front"),
            "b", Map.of("kubernetes.io/metadata.name", "b", "zone", "back"));

    static final Pod WEB = new Pod("web", "a", Map.of("app", "web"), "10.244.0.1", List.of(Pod.Port.tcp("http", 8080)));
    static final Pod OTHER = new Pod("other", "a", Map.of("app", "other"), "10.244.0.2", List.of());
    static final Pod DB = new Pod("db", "b", Map.of("app", "db"), "10.244.0.3", List.of(Pod.Port.tcp("pg", 5432)));
    static final Pod.Port PG = DB.ports().getFirst();

    @Test
    void withoutPoliciesEverythingIsAllowed() {
        var evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of());
        assertThat(evaluator.allows(WEB, DB, PG)).isTrue();
        assertThat(evaluator.allowsExternal(WEB, "192.0.2.1", Pod.Port.tcp(443)))
                .isTrue();
    }

    @Test
    void aDefaultDenyStopsBothDirectionsAndAnIngressRuleAloneIsNotEnough() {
        var denyB = policy("b", "{}", "[Ingress, Egress]", "ingress: []\n  egress: []");
        var evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(denyB));
        assertThat(evaluator.allows(WEB, DB, PG)).isFalse();
        assertThat(evaluator.allows(DB, WEB, WEB.ports().getFirst())).isFalse();

        var denyA = policy("a", "{}", "[Egress]", "egress: []");
        var dbFromWeb = policy("b", "{matchLabels: {app: db}}", "[Ingress]", """
                ingress:
                    - from:
                        - namespaceSelector: {matchLabels: {zone: front}}
                          podSelector: {matchLabels: {app: web}}
                      ports: [{port: pg}]""");
        evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(denyB, denyA, dbFromWeb));
        assertThat(evaluator.allows(WEB, DB, PG)).as("egress of a still denied").isFalse();

        var webToDb = policy("a", "{matchLabels: {app: web}}", "[Egress]", """
                egress:
                    - to: [{namespaceSelector: {matchLabels: {zone: back}}}]
                      ports: [{port: 5432, protocol: TCP}]""");
        evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(denyB, denyA, dbFromWeb, webToDb));
        assertThat(evaluator.allows(WEB, DB, PG)).isTrue();
        assertThat(evaluator.allows(OTHER, DB, PG))
                .as("not selected by the egress rule")
                .isFalse();
        assertThat(evaluator.allows(WEB, DB, Pod.Port.tcp(5433)))
                .as("another port")
                .isFalse();
    }

    @Test
    void namespaceAndPodSelectorInOnePeerBothMustMatch() {
        var onlyWebOfFront = policy("b", "{}", "[Ingress]", """
                ingress:
                    - from:
                        - namespaceSelector: {matchLabels: {zone: front}}
                          podSelector: {matchLabels: {app: web}}""");
        var evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(onlyWebOfFront));
        assertThat(evaluator.allows(WEB, DB, PG)).isTrue();
        assertThat(evaluator.allows(OTHER, DB, PG)).isFalse();

        var anyOfFrontOrWebHere = policy("b", "{}", "[Ingress]", """
                ingress:
                    - from:
                        - namespaceSelector: {matchLabels: {zone: front}}
                        - podSelector: {matchLabels: {app: web}}""");
        evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(anyOfFrontOrWebHere));
        assertThat(evaluator.allows(OTHER, DB, PG)).as("two peers: either one").isTrue();

        var podSelectorOnlyMeansThisNamespace = policy("b", "{}", "[Ingress]", """
                ingress:
                    - from: [{podSelector: {matchLabels: {app: web}}}]""");
        evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(podSelectorOnlyMeansThisNamespace));
        assertThat(evaluator.allows(WEB, DB, PG))
                .as("web is in namespace a, the policy in b")
                .isFalse();
    }

    @Test
    void ipBlocksWithExceptionsAndMatchExpressions() {
        var out = policy("a", "{matchExpressions: [{key: app, operator: In, values: [web]}]}", "[Egress]", """
                egress:
                    - to: [{ipBlock: {cidr: 10.40.0.0/16, except: [10.40.9.0/24]}}]
                      ports: [{port: 443}]""");
        var deny = policy("a", "{}", "[Egress]", "egress: []");
        var evaluator = new NetworkPolicyEvaluator(NAMESPACES, List.of(out, deny));
        assertThat(evaluator.allowsExternal(WEB, "10.40.12.20", Pod.Port.tcp(443)))
                .isTrue();
        assertThat(evaluator.allowsExternal(WEB, "10.40.9.5", Pod.Port.tcp(443)))
                .isFalse();
        assertThat(evaluator.allowsExternal(WEB, "10.41.0.1", Pod.Port.tcp(443)))
                .isFalse();
        assertThat(evaluator.allowsExternal(OTHER, "10.40.12.20", Pod.Port.tcp(443)))
                .isFalse();
    }

    /** An allow-everything policy next to the rendered ones: the zone matrix must notice it. */
    @Test
    void aPolicyThatAllowsEverythingBreaksTheZoneMatrix() {
        Overlay overlay = RenderedManifests.overlay("production");
        List<NetworkPolicy> policies = new ArrayList<>(overlay.all(NetworkPolicy.class));
        for (String namespace : List.of("portal-dmz", "portal-data")) {
            policies.add(policy(namespace, "{}", "[Ingress, Egress]", "ingress: [{}]\n  egress: [{}]"));
        }
        var evaluator = new NetworkPolicyEvaluator(PortalPods.namespaces(overlay), policies);
        var flows = ZoneMatrix.flows(evaluator, PortalPods.pods(overlay), ZoneMatrixTest.OUTSIDE.get("production"));

        assertThat(ZoneMatrixTest.difference(flows, ZoneMatrixTest.expected()))
                .contains("gateway -> identity-db:5432", "gateway -> emr", "stranger -> redis:6379");
    }

    static NetworkPolicy policy(String namespace, String podSelector, String types, String rules) {
        return YAML.unmarshal(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: test-%d, namespace: %s}
                spec:
                  podSelector: %s
                  policyTypes: %s
                  %s
                """.formatted(System.nanoTime(), namespace, podSelector, types, rules), NetworkPolicy.class);
    }
}
