package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What is reachable from outside the cluster: the gateway, and Keycloak's sign-in pages of the realm (browsers and
 * apps sign in at Keycloak itself), each only over TLS; no Service of type NodePort or LoadBalancer.
 */
class ExposureTest {

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void onlyTheGatewayAndTheRealmsSignInPagesAreExposedAndOnlyOverTls(String overlay) {
        List<String> exposed = new ArrayList<>();
        List<String> withoutTls = new ArrayList<>();
        for (Ingress ingress : RenderedManifests.overlay(overlay).all(Ingress.class)) {
            Set<String> tlsHosts = new TreeSet<>();
            for (IngressTLS tls : ingress.getSpec().getTls()) {
                tlsHosts.addAll(tls.getHosts());
            }
            for (IngressRule rule : ingress.getSpec().getRules()) {
                if (!tlsHosts.contains(rule.getHost())) {
                    withoutTls.add(RenderedManifests.describe(ingress) + " host " + rule.getHost());
                }
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    exposed.add(ingress.getMetadata().getNamespace() + "/"
                            + path.getBackend().getService().getName() + " " + path.getPath());
                }
            }
        }
        assertThat(withoutTls).as("Ingress hosts without TLS in %s", overlay).isEmpty();
        assertThat(exposed)
                .as("Ingress backends in %s", overlay)
                .containsExactlyInAnyOrder(
                        "portal-dmz/gateway /",
                        "portal-idp/keycloak-service /realms/portal/",
                        "portal-idp/keycloak-service /resources/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyServiceIsInternal(String overlay) {
        List<String> external = RenderedManifests.overlay(overlay).all(Service.class).stream()
                .filter(s -> s.getSpec().getType() != null
                        && !"ClusterIP".equals(s.getSpec().getType()))
                .map(s -> RenderedManifests.describe(s) + " is of type "
                        + s.getSpec().getType())
                .toList();
        assertThat(external).isEmpty();
    }
}
