package health.portal.billing.papermail;

import health.portal.billing.statements.MailAddress;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The vendor's manifest: one CSV record per statement (RFC 4180), with the PDF's file name and the address. */
final class Manifest {

    static final String HEADER =
            "statement_id,file,name,address_line_1,address_line_2,city,state,postal_code,country\r\n";

    private final StringBuilder csv = new StringBuilder(HEADER);

    void add(String statementId, String file, MailAddress address) {
        List<String> lines = address.lines();
        String extra = lines.size() > 2 ? String.join(" ", lines.subList(2, lines.size())) : "";
        String second = lines.size() > 1 ? (lines.get(1) + (extra.isEmpty() ? "" : " " + extra)) : "";
        csv.append(Stream.of(
                                statementId,
                                file,
                                address.name(),
                                lines.isEmpty() ? "" : lines.get(0),
                                second,
                                address.city(),
                                address.state(),
                                address.postalCode(),
                                address.country())
                        .map(Manifest::field)
                        .collect(Collectors.joining(",")))
                .append("\r\n");
    }

    String text() {
        return csv.toString();
    }

    static String field(String value) {
        String v = value == null ? "" : value;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
