package health.portal.benchmarks.report;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A JDK Flight Recorder profile of one running service JVM over one measured row, started and dumped with
 * {@code jcmd} (so start-up is not in it), summed up as the methods where the CPU samples fall: by the method on top
 * of the stack (self time) and by the portal's own methods anywhere on it (what our code, with what it calls, costs).
 */
public final class Profile {

    private final String name;
    private final long pid;
    private final String recording;

    private Profile(String name, long pid) {
        this.name = name;
        this.pid = pid;
        this.recording = ("bench-" + name.replaceAll("[^A-Za-z0-9]+", "-")).replaceAll("-$", "");
    }

    /** Starts a recording with the JDK's "profile" settings in the process. */
    public static Profile start(String name, long pid) {
        Profile profile = new Profile(name, pid);
        jcmd(pid, "JFR.start", "name=" + profile.recording, "settings=profile");
        return profile;
    }

    /** Dumps and stops the recording into {@code directory}; the summary lines for the report. */
    public List<String> stop(Path directory, int top) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(recording + ".jfr").toAbsolutePath();
            jcmd(pid, "JFR.dump", "name=" + recording, "filename=" + file);
            jcmd(pid, "JFR.stop", "name=" + recording);
            return summary(file, top);
        } catch (IOException | RuntimeException e) {
            return List.of(name + ": no profile (" + e.getMessage() + ")");
        }
    }

    private List<String> summary(Path file, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        int samples = 0;
        double cpuLoad = 0;
        int cpuLoads = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getEventType().getName().equals("jdk.CPULoad")) {
                // the process's share of the whole machine's CPU, sampled every second
                cpuLoad += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                cpuLoads++;
                continue;
            }
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(method(frames.getFirst().getMethod()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = method(frame.getMethod());
                if (frame.getMethod().getType().getName().startsWith("health.portal.") && seen.add(method)) {
                    ours.merge(method, 1, Integer::sum);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                "%s: %,d CPU samples (`%s`), %s",
                name,
                samples,
                file.getFileName(),
                cpuLoads == 0
                        ? "CPU use not recorded"
                        : String.format(
                                "on average %.2f of the machine's %d cores",
                                cpuLoad / cpuLoads * Runtime.getRuntime().availableProcessors(),
                                Runtime.getRuntime().availableProcessors())));
        lines.add("self: " + ranked(self, samples, top));
        lines.add("portal code with what it calls: " + ranked(ours, samples, top));
        return lines;
    }

    private static String ranked(Map<String, Integer> counts, int samples, int top) {
        if (samples == 0) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> parts.add(String.format("`%s` %.1f%%", e.getKey(), 100.0 * e.getValue() / samples)));
        return String.join(", ", parts);
    }

    /** The method with its class and the class's package's last part: {@code ratelimit.RateLimits.check}. */
    private static String method(RecordedMethod method) {
        String type = method.getType().getName();
        return type.substring(type.lastIndexOf('.', type.lastIndexOf('.') - 1) + 1) + "." + method.getName();
    }

    private static void jcmd(long pid, String... command) {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(Long.toString(pid));
        line.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("jcmd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
