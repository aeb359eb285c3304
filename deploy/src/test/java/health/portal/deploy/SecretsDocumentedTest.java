package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository holds no secret, so every Secret the manifests name is either made by cert-manager (a
 * Certificate's, or an Ingress's certificate) or created by the operator with a command in deploy/README.md; and the
 * guide creates no Secret that nothing uses.
 */
class SecretsDocumentedTest {

    static final KubernetesSerialization YAML = new KubernetesSerialization();

    /** Fields that hold a Secret's name, in the Kubernetes API and in the operators' resources. */
    static final Set<String> NAME_FIELDS = Set.of("secretName", "serverTLSSecret", "serverCASecret", "tlsSecret");

    /** Fields that hold a reference {name: ...} to a Secret (or, for "secret", sometimes the name itself). */
    static final Set<String> REFERENCE_FIELDS =
            Set.of("secretKeyRef", "secretRef", "passwordSecret", "usernameSecret", "secret", "privateKeySecretRef");

    static final Pattern CREATED = Pattern.compile("create secret generic ([a-z0-9-]+)");

    @Test
    void everySecretTheManifestsNameIsMadeByCertManagerOrByTheGuide() throws IOException {
        Set<String> named = new TreeSet<>();
        Set<String> certManager = new TreeSet<>();
        for (HasMetadata resource : RenderedManifests.overlay("production").resources()) {
            Map<?, ?> tree = YAML.convertValue(resource, Map.class);
            collect(tree, named);
            if (resource.getKind().equals("Certificate")) {
                certManager.add(((GenericKubernetesResource) resource).get("spec", "secretName"));
            }
            if (resource.getKind().equals("ClusterIssuer") && tree.toString().contains("privateKeySecretRef")) {
                // the ACME account key: cert-manager makes it
                certManager.add(
                        ((GenericKubernetesResource) resource).get("spec", "acme", "privateKeySecretRef", "name"));
            }
            if (resource.getKind().equals("Ingress")) {
                var tls = ((io.fabric8.kubernetes.api.model.networking.v1.Ingress) resource)
                        .getSpec()
                        .getTls();
                tls.forEach(t -> certManager.add(t.getSecretName()));
            }
        }
        Set<String> created = createdByTheGuide();

        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(certManager);
        missing.removeAll(created);
        assertThat(missing)
                .as("Secrets neither from cert-manager nor created in deploy/README.md")
                .isEmpty();

        Set<String> unused = new TreeSet<>(created);
        unused.removeAll(named);
        assertThat(unused)
                .as("Secrets deploy/README.md creates that no manifest names")
                .isEmpty();
        assertThat(named)
                .contains("gateway-secrets", "identity-db-app", "kafka-user-gateway", "keycloak-realm-secrets");
    }

    static Set<String> createdByTheGuide() throws IOException {
        Set<String> created = new TreeSet<>();
        Matcher matcher = CREATED.matcher(Files.readString(Repository.deploy().resolve("README.md")));
        while (matcher.find()) {
            created.add(matcher.group(1));
        }
        return created;
    }

    /** The realm's clients have a "secret" field too: their ${...} placeholders are no Secret's name. */
    private static void collect(Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map && map.containsKey("clientId")) {
            return;
        }
        if (node instanceof List<?> items) {
            items.forEach(item -> collect(item, names));
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (NAME_FIELDS.contains(key) && value instanceof String name) {
                    names.add(name);
                } else if (REFERENCE_FIELDS.contains(key) && value instanceof String name) {
                    names.add(name);
                } else if (REFERENCE_FIELDS.contains(key)
                        && value instanceof Map<?, ?> reference
                        && reference.get("name") instanceof String name) {
                    names.add(name);
                    collect(value, names);
                } else {
                    collect(value, names);
                }
            });
        }
    }
}
