package health.portal.benchmarks.load;

import health.portal.benchmarks.report.Row;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (a C load generator, far cheaper per request than any JVM client, so the machine's two cores go to the
 * servers) with keep-alive connections and reads its HdrHistogram percentiles through a Lua {@code done} hook.
 */
public final class WrkRunner {

    private static final String DONE_SCRIPT = """
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("WRK-RESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50=%d p90=%d p99=%d max=%d\\n",
                summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
            end
            """;

    private static final Pattern RESULT = Pattern.compile("WRK-RESULT ((?:\\w+=\\d+ ?)+)");

    private WrkRunner() {}

    public static boolean available() {
        try {
            Process process =
                    new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One run of {@code duration} with {@code connections} keep-alive connections on 2 threads. */
    public static Row run(
            String name,
            String url,
            Map<String, String> headers,
            int connections,
            Duration duration,
            Path workDirectory) {
        try {
            Files.createDirectories(workDirectory);
            Path script = workDirectory.resolve("done.lua");
            Files.writeString(script, DONE_SCRIPT);
            List<String> command = new ArrayList<>(List.of(
                    "wrk",
                    "-t" + Math.min(2, connections),
                    "-c" + connections,
                    "-d" + duration.toSeconds() + "s",
                    "--timeout",
                    "30s",
                    "-s",
                    script.toString()));
            headers.forEach((header, value) -> command.addAll(List.of("-H", header + ": " + value)));
            command.add(url);
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("wrk did not finish");
            }
            return parse(name, connections, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Row parse(String name, int connections, String output) {
        Matcher matcher = RESULT.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("wrk printed no result:\n" + output);
        }
        Map<String, Long> values = new TreeMap<>();
        for (String pair : matcher.group(1).trim().split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        double seconds = values.get("duration_us") / 1e6;
        long requests = values.get("requests");
        Map<String, Long> errors = new TreeMap<>();
        for (String kind : List.of("connect", "read", "write", "status", "timeout")) {
            if (values.get(kind) > 0) {
                errors.put(kind.equals("status") ? "non-2xx/3xx" : kind, values.get(kind));
            }
        }
        long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
        String summary = errors.isEmpty() ? "0" : errorCount + " " + errors;
        return new Row(
                name,
                "wrk 4 (HdrHistogram)",
                connections,
                seconds,
                requests,
                requests / seconds,
                values.get("p50"),
                values.get("p90"),
                values.get("p99"),
                values.get("max"),
                summary,
                errorCount);
    }
}
