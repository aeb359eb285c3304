package health.portal.emr.sandbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox as its own process (the launcher runs {@code emr-sandbox-*-exec.jar}). Options come from
 * emr-sandbox.yml (this process's application.yml), whose values read environment variables ({@code SANDBOX_PORT}, {@code SANDBOX_PATIENTS}, ...);
 * {@code --sandbox.port=9000}-style arguments and -D system properties override them.
 */
public final class EmrSandboxApplication {

    static final String CONFIG = "emr-sandbox.yml";
    /** Held so the level sticks: java.util.logging keeps loggers weakly. Tomcat logs through JUL. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    private EmrSandboxApplication() {}

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "emr-sandbox-logback.xml");
        }
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<String, String> config = configuration(args);
        EmrSandbox.Options options = EmrSandbox.Options.defaults()
                .port(Integer.parseInt(config.get("sandbox.port")))
                .bindAddress(config.get("sandbox.bind-address"))
                .syntheaPatients(Integer.parseInt(config.get("sandbox.patients")))
                .includeDemoPatients(Boolean.parseBoolean(config.get("sandbox.demo-patients")))
                .seed(Long.parseLong(config.get("sandbox.seed")));
        EmrSandbox sandbox = EmrSandbox.start(options);
        logHeap();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            sandbox.close();
                            stopped.countDown();
                        },
                        "emr-sandbox-shutdown"));
        stopped.await();
    }

    /** One line on the heap the loaded data hold (after a collection), to size benchmark runs. */
    private static void logHeap() {
        Logger log = LoggerFactory.getLogger(EmrSandboxApplication.class);
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        log.info("EMR sandbox heap after load: {} MB used, {} MB max", heap.getUsed() >> 20, heap.getMax() >> 20);
    }

    /** emr-sandbox.yml flattened to dotted keys, placeholders resolved, then arguments and system properties. */
    static Map<String, String> configuration(String[] args) {
        Map<String, String> flat = new LinkedHashMap<>();
        try (InputStream in = EmrSandboxApplication.class.getClassLoader().getResourceAsStream(CONFIG)) {
            if (in == null) {
                throw new IllegalStateException(CONFIG + " missing from the class path");
            }
            Object root = new Yaml().load(in);
            flatten("", root, flat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> environment = new HashMap<>(System.getenv());
        flat.replaceAll((key, value) -> resolve(value, environment));
        for (String key : flat.keySet()) {
            String property = System.getProperty(key);
            if (property != null) {
                flat.put(key, property);
            }
        }
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                String key = arg.substring(2, arg.indexOf('='));
                if (!flat.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option " + key + "; known: " + flat.keySet());
                }
                flat.put(key, arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("arguments look like --sandbox.port=9000; got " + arg);
            }
        }
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : ((Map<Object, Object>) map).entrySet()) {
                flatten(
                        prefix.isEmpty() ? entry.getKey().toString() : prefix + "." + entry.getKey(),
                        entry.getValue(),
                        out);
            }
        } else if (node != null) {
            out.put(prefix, node.toString());
        }
    }

    static String resolve(String value, Map<String, String> environment) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String resolved = environment.get(name);
            if (resolved == null) {
                resolved = System.getProperty(name);
            }
            if (resolved == null) {
                resolved = m.group(2);
            }
            if (resolved == null) {
                throw new IllegalStateException("no value for ${" + name + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
