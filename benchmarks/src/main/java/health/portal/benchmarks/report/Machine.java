package health.portal.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The facts of this machine that a reader needs to weigh the numbers. */
public record Machine(String cpu, int cores, String memory, String os, String kernel, String java) {

    public static Machine current() {
        String cpu = lines("/proc/cpuinfo").stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse(System.getProperty("os.arch"));
        String memory = lines("/proc/meminfo").stream()
                .filter(l -> l.startsWith("MemTotal"))
                .map(l -> l.replaceAll("\\D+", ""))
                .findFirst()
                .map(kb -> String.format("%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0))
                .orElse("unknown");
        String os = lines("/etc/os-release").stream()
                .filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
                .findFirst()
                .orElse(System.getProperty("os.name"));
        String java = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + Runtime.version();
        return new Machine(
                cpu, Runtime.getRuntime().availableProcessors(), memory, os, System.getProperty("os.version"), java);
    }

    /** The first line a tool prints about its version, e.g. {@code nginx -v}. */
    public static Optional<String> toolVersion(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            process.waitFor(10, TimeUnit.SECONDS);
            return output.lines().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
