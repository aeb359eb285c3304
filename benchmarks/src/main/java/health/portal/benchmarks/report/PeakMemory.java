package health.portal.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Peak resident memory of a process as Linux records it ({@code VmHWM} in /proc/PID/status), read while the process
 * still runs. A process with workers (nginx) counts its descendants too: the sum of each one's peak, an upper bound
 * of the tree's peak.
 */
public final class PeakMemory {

    private PeakMemory() {}

    /** Peak RSS in MiB of the process and its descendants; empty where /proc does not tell (not Linux, exited). */
    public static OptionalLong mebibytes(long pid) {
        long kib = 0;
        boolean any = false;
        try (Stream<ProcessHandle> tree = Stream.concat(
                ProcessHandle.of(pid).stream(), ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants))) {
            for (ProcessHandle process : (Iterable<ProcessHandle>) tree::iterator) {
                OptionalLong peak = peakKib(process.pid());
                if (peak.isPresent()) {
                    kib += peak.getAsLong();
                    any = true;
                }
            }
        }
        return any ? OptionalLong.of(Math.round(kib / 1024.0)) : OptionalLong.empty();
    }

    /** One line per process: "name: N MiB". */
    public static Map<String, String> of(Map<String, Long> pids) {
        Map<String, String> lines = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            OptionalLong mib = mebibytes(pid);
            lines.put(name, mib.isPresent() ? String.format("%,d MiB", mib.getAsLong()) : "not readable");
        });
        return lines;
    }

    private static OptionalLong peakKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone or unreadable
        }
        return OptionalLong.empty();
    }
}
