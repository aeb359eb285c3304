package health.portal.billing.statements;

import java.util.List;

/** Where paper statements go, as the EMR has it at the time of rendering; in memory only. */
public record MailAddress(
        String name, List<String> lines, String city, String state, String postalCode, String country) {}
