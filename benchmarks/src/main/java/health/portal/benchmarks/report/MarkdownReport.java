package health.portal.benchmarks.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Builds a results file: machine, date, setup, parameters, then tables of rows. */
public final class MarkdownReport {

    private final StringBuilder text = new StringBuilder();

    public MarkdownReport(String title, Machine machine, ZonedDateTime date) {
        text.append("# ").append(title).append("\n\n");
        text.append("- Date: ")
                .append(date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append('\n');
        text.append("- Machine: ")
                .append(machine.cpu())
                .append(", ")
                .append(machine.cores())
                .append(" cores, ")
                .append(machine.memory())
                .append(" memory; ")
                .append(machine.os())
                .append(", Linux ")
                .append(machine.kernel())
                .append('\n');
        text.append("- Java: ").append(machine.java()).append("\n\n");
    }

    public MarkdownReport section(String heading) {
        text.append("## ").append(heading).append("\n\n");
        return this;
    }

    public MarkdownReport paragraph(String paragraph) {
        text.append(paragraph.strip()).append("\n\n");
        return this;
    }

    public MarkdownReport bullets(List<String> items) {
        items.forEach(item -> text.append("- ").append(item).append('\n'));
        text.append('\n');
        return this;
    }

    public MarkdownReport parameters(Map<String, ?> parameters) {
        text.append("| parameter | value |\n|---|---|\n");
        parameters.forEach((name, value) ->
                text.append("| ").append(name).append(" | ").append(value).append(" |\n"));
        text.append('\n');
        return this;
    }

    public MarkdownReport results(List<Row> rows) {
        text.append("| run | load generator | concurrency | window (s) | requests | throughput (req/s) | p50 | p90 "
                + "| p99 | max | errors |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            text.append(String.format(
                    "| %s | %s | %d | %.1f | %d | %.1f | %s | %s | %s | %s | %s |%n",
                    row.name(),
                    row.client(),
                    row.connections(),
                    row.windowSeconds(),
                    row.requests(),
                    row.throughput(),
                    ms(row.p50()),
                    ms(row.p90()),
                    ms(row.p99()),
                    ms(row.max()),
                    row.errors()));
        }
        text.append('\n');
        return this;
    }

    public String text() {
        return text.toString();
    }

    public Path writeTo(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Microseconds as milliseconds, e.g. "12.35 ms". */
    public static String ms(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }
}
