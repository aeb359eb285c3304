package health.portal.emr.sandbox.seed;

import ca.uhn.fhir.parser.IParser;
import health.portal.emr.sandbox.store.FhirStore;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-written demo record (resource {@code demo/demo-patients.json}) the launcher and tests rely on.
 * Ids are stable. Appointment dates are written relative to today ({@code @@DAYS+14@@}) so they stay in the future.
 */
public final class DemoPatients {

    public static final String ALEX = "demo-alex";
    public static final String SAM = "demo-sam";
    public static final String PRIMARY_CARE_PROVIDER = "pcp-morgan";
    public static final String COVERING_PROVIDER = "pcp-lee";
    public static final String ORGANIZATION = "portal-health";
    public static final String RESOURCE = "demo/demo-patients.json";

    private static final Pattern RELATIVE_DAY = Pattern.compile("@@DAYS([+-]\\d+)@@");

    private DemoPatients() {}

    /** Loads the demo bundle and returns the number of demo patients. */
    public static int load(FhirStore store) {
        IParser parser = store.fhirContext().newJsonParser();
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        Bundle bundle = parser.parseResource(Bundle.class, text(LocalDate.now(ZoneOffset.UTC)));
        int patients = 0;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            store.put(resource, null);
            if (resource.fhirType().equals("Patient")) {
                patients++;
            }
        }
        return patients;
    }

    static String text(LocalDate today) {
        try (InputStream in = DemoPatients.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = RELATIVE_DAY.matcher(raw);
            StringBuilder out = new StringBuilder(raw.length());
            while (m.find()) {
                m.appendReplacement(
                        out, today.plusDays(Long.parseLong(m.group(1))).toString());
            }
            m.appendTail(out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
