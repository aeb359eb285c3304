package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keycloak Operator imports the realm from a KeycloakRealmImport, which must hold the realm inline; kustomize
 * cannot put a JSON file into a field, so {@code base/identity-provider/realm-import.json} is generated from {@code
 * deploy/keycloak/portal-realm.json} (the command is in deploy/README.md). This test keeps the two equal, and every
 * placeholder of the realm filled from a Secret, so that no value reaches the repository.
 */
class RealmImportTest {

    static final String REGENERATE = "jq '{apiVersion: \"k8s.keycloak.org/v2alpha1\", kind: \"KeycloakRealmImport\","
            + " metadata: {name: \"portal\", namespace: \"portal-idp\"}, spec: {keycloakCRName: \"keycloak\", realm: .}}'"
            + " deploy/keycloak/portal-realm.json > deploy/kubernetes/base/identity-provider/realm-import.json";

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theImportedRealmIsTheRealmFile(String overlay) throws IOException {
        Map<?, ?> realmFile = new KubernetesSerialization().unmarshal(Files.readString(realmFile()), Map.class);
        GenericKubernetesResource realmImport = realmImport(overlay);

        Map<?, ?> imported = realmImport.get("spec", "realm");
        assertThat(imported)
                .as("the realm of KeycloakRealmImport %s; after changing portal-realm.json run %s", overlay, REGENERATE)
                .isEqualTo(realmFile);
        assertThat(realmImport.<String>get("spec", "keycloakCRName")).isEqualTo("keycloak");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyPlaceholderOfTheRealmComesFromASecretThatIsNotInTheRepository(String overlay) throws IOException {
        Set<String> placeholders = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(Files.readString(realmFile()));
        while (matcher.find()) {
            placeholders.add(matcher.group(1));
        }
        assertThat(placeholders).contains("PORTAL_WEB_CLIENT_SECRET", "IDENTITY_KEYCLOAK_CLIENT_SECRET");

        Map<String, Map<String, Map<String, String>>> given =
                realmImport(overlay).get("spec", "placeholders");
        assertThat(given).as("spec.placeholders").containsOnlyKeys(placeholders);
        given.forEach((name, source) -> assertThat(source.get("secret"))
                .as("placeholder %s", name)
                .containsEntry("name", "keycloak-realm-secrets")
                .containsEntry("key", name));
        assertThat(RenderedManifests.overlay(overlay).all(Secret.class))
                .as("Secrets in the rendered overlay (deploy/README.md lists the ones to create)")
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void keycloakRunsTheVersionTheTestsRun(String overlay) throws IOException {
        Matcher version = Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>")
                .matcher(Files.readString(Repository.root().resolve("pom.xml")));
        assertThat(version.find()).as("keycloak.version in the root pom").isTrue();
        var keycloaks = RenderedManifests.overlay(overlay).ofKind("Keycloak");
        assertThat(keycloaks).hasSize(1);
        assertThat(((GenericKubernetesResource) keycloaks.getFirst()).<String>get("spec", "image"))
                .as("the Keycloak image: the realm and the portal are tested against keycloak.version")
                .isEqualTo("quay.io/keycloak/keycloak:" + version.group(1));
    }

    private static GenericKubernetesResource realmImport(String overlay) {
        var imports = RenderedManifests.overlay(overlay).ofKind("KeycloakRealmImport");
        assertThat(imports).hasSize(1);
        return (GenericKubernetesResource) imports.getFirst();
    }

    private static Path realmFile() {
        return Repository.deploy().resolve("keycloak").resolve("portal-realm.json");
    }
}
