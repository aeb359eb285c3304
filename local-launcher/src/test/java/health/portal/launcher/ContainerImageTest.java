package health.portal.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The services' container images come from the Maven build alone, with no Docker daemon and no registry: a fixture
 * module that opts in as the services do ({@code src/test/image-fixture}) is built with {@code -Pimage
 * -Dimage.goal=buildTar}, and the image tarball Jib writes is opened and read: non-root numeric user, the JVM flags,
 * the main class, the ports, a reproducible creation time, and the CycloneDX SBOM on the class path. The base image is
 * {@code scratch} here (the real one needs a registry); that the real one is pinned by digest, that the five services
 * opt in, and that every version lives in the root pom is read from the poms.
 */
class ContainerImageTest {

    /** A nested Maven build of one class and one library; tens of seconds on a loaded two-core machine. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);

    private static final List<String> SERVICES =
            List.of("gateway", "identity-service", "messaging-service", "billing-service", "records-service");

    private static final String SBOM = "app/resources/META-INF/sbom/application.cdx.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Path root;

    @BeforeAll
    static void findRepository() {
        root = repositoryRoot();
    }

    @Test
    void theBaseImageIsTemurin21JrePinnedByDigest() throws Exception {
        String base = text(pom(root.resolve("pom.xml")), "properties", "image.base");
        assertThat(base).matches("eclipse-temurin:21-jre@sha256:[0-9a-f]{64}");
        // Renovate's regex manager must still find it where it looks
        JsonNode renovate = JSON.readTree(Files.readString(root.resolve("renovate.json")));
        String matchString =
                renovate.get("customManagers").get(0).get("matchStrings").get(0).asString();
        Matcher match = Pattern.compile(matchString).matcher(Files.readString(root.resolve("pom.xml")));
        assertThat(match.find())
                .as("renovate.json's regex manager finds image.base")
                .isTrue();
        assertThat(match.group("currentDigest")).isEqualTo(base.substring(base.indexOf('@') + 1));
    }

    @Test
    void everyServiceOptsInToTheImageAndItsSbom() throws Exception {
        for (String service : SERVICES) {
            Set<String> plugins = new TreeSet<>();
            Document pom = pom(root.resolve(service).resolve("pom.xml"));
            Element build = child(pom.getDocumentElement(), "build");
            assertThat(build).as("%s has a <build>", service).isNotNull();
            for (Element plugin : children(child(build, "plugins"), "plugin")) {
                plugins.add(text(plugin, "artifactId"));
            }
            assertThat(plugins)
                    .as("%s's build plugins", service)
                    .contains("jib-maven-plugin", "cyclonedx-maven-plugin", "spring-boot-maven-plugin");
            assertThat(text(pom, "properties", "image.port"))
                    .as("%s names the port it listens on", service)
                    .matches("\\d+");
        }
    }

    /**
     * One place for versions, so that Renovate's pull requests and an operator's patch touch the root pom only: a
     * module names a dependency or plugin version only as {@code ${project.version}} or a property of the root pom.
     */
    @Test
    void versionsLiveInTheRootPom() throws Exception {
        Document parent = pom(root.resolve("pom.xml"));
        Set<String> rootProperties = new TreeSet<>();
        for (Element property : children(child(parent.getDocumentElement(), "properties"), null)) {
            rootProperties.add(property.getTagName());
        }
        List<String> strays = new ArrayList<>();
        for (Path module : modulePoms()) {
            Document pom = pom(module);
            NodeList versions = pom.getElementsByTagName("version");
            for (int i = 0; i < versions.getLength(); i++) {
                Element version = (Element) versions.item(i);
                String owner = ((Element) version.getParentNode()).getTagName();
                if (!owner.equals("dependency") && !owner.equals("plugin")) {
                    continue; // the module's own coordinates and its parent's
                }
                String value = version.getTextContent().trim();
                Matcher reference = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
                boolean fromRoot = reference.matches()
                        && (reference.group(1).equals("project.version")
                                || rootProperties.contains(reference.group(1)));
                if (!fromRoot) {
                    strays.add(root.relativize(module) + ": " + value);
                }
            }
            Element properties = child(pom.getDocumentElement(), "properties");
            for (Element property : children(properties, null)) {
                if (property.getTagName().endsWith(".version")) {
                    strays.add(root.relativize(module) + ": <" + property.getTagName() + ">");
                }
            }
        }
        assertThat(strays).as("versions outside the root pom").isEmpty();
    }

    @Test
    void theBuildMakesANonRootImageWithItsSbomWithoutADaemon() throws Exception {
        Path fixture = root.resolve("local-launcher").resolve("target").resolve("image-fixture");
        deleteRecursively(fixture);
        copyRecursively(
                root.resolve("local-launcher").resolve("src").resolve("test").resolve("image-fixture"), fixture);
        Path tar = fixture.resolve("target").resolve("jib-image.tar");

        long started = System.nanoTime();
        maven(
                fixture,
                "-Pimage",
                "-Dimage.goal=buildTar",
                "-Dimage.base=scratch",
                "-Dspotless.check.skip=true",
                "package");
        System.out.printf(
                "image fixture built in %d s%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        assertThat(tar).as("Jib's image tarball").isRegularFile();

        Map<String, byte[]> entries = untar(Files.newInputStream(tar));
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        assertThat(manifest.get("RepoTags").get(0).asString())
                .isEqualTo("ghcr.io/open-patient-portal/image-fixture:0.1.0-SNAPSHOT");
        JsonNode image = JSON.readTree(entries.get(manifest.get("Config").asString()));
        JsonNode config = image.get("config");

        assertThat(config.get("User").asString()).isEqualTo("65532:65532");
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(part -> entrypoint.add(part.asString()));
        assertThat(entrypoint)
                .startsWith("java")
                .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
                .endsWith("fixture.FixtureApplication");
        Set<String> ports = new TreeSet<>();
        config.get("ExposedPorts").propertyNames().forEach(ports::add);
        assertThat(ports).containsExactly("8181/tcp", "8182/tcp");
        // a rebuild of the same inputs is the same image: no build time in it
        assertThat(image.get("created").asString()).isEqualTo("1970-01-01T00:00:00Z");

        Map<String, byte[]> files = new HashMap<>();
        for (JsonNode layer : manifest.get("Layers")) {
            files.putAll(untar(new GZIPInputStream(new ByteArrayInputStream(entries.get(layer.asString())))));
        }
        assertThat(files).containsKey("app/classes/fixture/FixtureApplication.class");
        assertThat(files.keySet()).anyMatch(name -> name.matches("app/libs/slf4j-api-[0-9.]+\\.jar"));
        assertThat(files).as("the SBOM on the image's class path").containsKey(SBOM);
        JsonNode sbom = JSON.readTree(files.get(SBOM));
        assertThat(sbom.get("bomFormat").asString()).isEqualTo("CycloneDX");
        assertThat(sbom.get("metadata").get("component").get("name").asString()).isEqualTo("image-fixture");
        // project.build.outputTimestamp keeps the build time out of the SBOM, and so out of the image's digest
        assertThat(sbom.get("metadata").has("timestamp")).isFalse();
        List<String> components = new ArrayList<>();
        sbom.get("components")
                .forEach(component -> components.add(component.get("name").asString()));
        assertThat(components).contains("slf4j-api");
    }

    private static void maven(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-ntp",
                "-f",
                directory.resolve("pom.xml").toString()));
        command.addAll(List.of(arguments));
        Path output = directory.resolve("build.log");
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("%s did not finish within %s:%n%s", command, BUILD_TIMEOUT, Files.readString(output));
        }
        if (process.exitValue() != 0) {
            fail("%s exited with %d:%n%s", command, process.exitValue(), Files.readString(output));
        }
    }

    /**
     * The regular files of a tar stream (ustar with GNU or pax long names, as Jib writes them), by name without a
     * leading {@code ./} or {@code /}.
     */
    private static Map<String, byte[]> untar(InputStream stream) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = stream) {
            byte[] header = new byte[512];
            String longName = null;
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                String octal = field(header, 124, 12).trim();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                byte[] content = in.readNBytes((int) size);
                in.readNBytes((int) ((512 - size % 512) % 512));
                char type = (char) header[156];
                if (type == 'L') {
                    longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x') {
                    Matcher path = Pattern.compile("\\d+ path=([^\n]*)\n")
                            .matcher(new String(content, StandardCharsets.UTF_8));
                    longName = path.find() ? path.group(1) : null;
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                if (type == '0' || type == '\0') {
                    entries.put(name.replaceFirst("^\\./", "").replaceFirst("^/", ""), content);
                }
            }
        }
        return entries;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static List<Path> modulePoms() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(path -> path.getFileName().toString().equals("pom.xml"))
                    .filter(path -> !path.equals(root.resolve("pom.xml")))
                    .filter(path -> root.relativize(path).toString().split("/").length > 1)
                    .filter(path -> !root.relativize(path).toString().contains("target/"))
                    .filter(path -> !root.relativize(path).toString().contains("node_modules/"))
                    // stand-alone on purpose (Synthea's own older libraries); Renovate groups its one version with
                    // the root's synthea.version
                    .filter(path -> !root.relativize(path).startsWith(Path.of("emr-sandbox", "synthea-runner")))
                    .sorted()
                    .toList();
        }
    }

    private static Document pom(Path path) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(path.toFile());
    }

    private static String text(Document pom, String section, String name) {
        Element element = child(child(pom.getDocumentElement(), section), name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element
                    && (name == null || element.getTagName().equals(name))) {
                found.add(element);
            }
        }
        return found;
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("renovate.json")) && Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        return fail("no renovate.json and mvnw in %s or above it", start);
    }
}
