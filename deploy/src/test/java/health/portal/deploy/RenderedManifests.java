package health.portal.deploy;

import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An overlay as {@code kubectl kustomize} renders it, parsed with fabric8's model: what {@code kubectl apply -k} would
 * send. Rendered once per overlay and test run.
 */
public final class RenderedManifests {

    public static final List<String> OVERLAYS = List.of("local", "production");

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final Map<String, Overlay> RENDERED = new ConcurrentHashMap<>();

    /** The rendered YAML and its documents, in order. */
    public record Overlay(String name, String yaml, List<String> documents, List<HasMetadata> resources) {

        public <T extends HasMetadata> List<T> all(Class<T> type) {
            return resources.stream().filter(type::isInstance).map(type::cast).toList();
        }

        public List<HasMetadata> ofKind(String kind) {
            return resources.stream().filter(r -> kind.equals(r.getKind())).toList();
        }
    }

    private RenderedManifests() {}

    public static Overlay overlay(String name) {
        return RENDERED.computeIfAbsent(name, RenderedManifests::render);
    }

    /** Names a resource in assertion messages the way kubectl does. */
    public static String describe(HasMetadata resource) {
        String namespace = resource.getMetadata().getNamespace();
        return resource.getKind() + " " + (namespace == null ? "" : namespace + "/")
                + resource.getMetadata().getName();
    }

    private static Overlay render(String name) {
        Path overlay =
                Repository.deploy().resolve("kubernetes").resolve("overlays").resolve(name);
        String yaml = kustomize(overlay);
        List<String> documents = new ArrayList<>();
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(yaml)) {
            if (document.isBlank()) {
                continue;
            }
            documents.add(document);
            Object parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata resource)) {
                return fail("overlay %s: a document is no Kubernetes resource (%s):%n%s", name, parsed, document);
            }
            resources.add(resource);
        }
        return new Overlay(name, yaml, List.copyOf(documents), List.copyOf(resources));
    }

    private static String kustomize(Path overlay) {
        Path kubectl = kubectl();
        try {
            Path output = Files.createTempFile("kustomize", ".yaml");
            Path errors = Files.createTempFile("kustomize", ".log");
            try {
                Process process = new ProcessBuilder(kubectl.toString(), "kustomize", overlay.toString())
                        .redirectOutput(output.toFile())
                        .redirectError(errors.toFile())
                        .start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return fail("kubectl kustomize %s did not finish within 60 s", overlay);
                }
                if (process.exitValue() != 0) {
                    return fail(
                            "kubectl kustomize %s exited with %d:%n%s",
                            overlay, process.exitValue(), Files.readString(errors, StandardCharsets.UTF_8));
                }
                return Files.readString(output, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(output);
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            return fail("kubectl kustomize %s could not run: %s", overlay, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while kustomize rendered %s", overlay);
        }
    }

    /** kubectl has kustomize built in; without it the manifests cannot be proven, so the tests fail, never skip. */
    private static Path kubectl() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
                Path candidate = dir.isEmpty() ? null : Path.of(dir).resolve("kubectl");
                if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail(
                "kubectl is not on the PATH (%s); the Kubernetes manifests in deploy/kubernetes cannot be rendered"
                        + " without it. Install it (it has kustomize built in): https://kubernetes.io/docs/tasks/tools/"
                        + " or on Debian/Ubuntu the kubernetes apt repository's kubectl package.",
                path);
    }
}
