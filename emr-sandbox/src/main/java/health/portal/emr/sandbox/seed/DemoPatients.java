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
 * Ids are stable. Appointment dates are written relative to today ({@code @@DAYS+14@@}) so they stay in the future;
 * instants as {@code @@TIME-1@@} (midnight UTC of that day); a day of a month relative to this one as
 * {@code @@MONTH-1D12@@} (the 12th of last month), so that each demo patient has charges in the previous calendar
 * month, the period a statement run issues, next to older ones. {@link #PRIMARY_CARE_PROVIDER} is out of office from the
 * day before the sandbox started until 30 days after it (PractitionerRole {@link #AWAY_ROLE}, notAvailable), covered
 * by {@link #COVERING_PROVIDER}, so that callers' tests see an away provider and who covers, deterministically.
 * demo-alex has a CareTeam; demo-sam has none (only generalPractitioner). Questionnaires: the survey
 * {@link #SURVEY} and the lesson {@link #LESSON} (Questionnaire.code {@link #QUESTIONNAIRE_KIND_SYSTEM}).
 */
public final class DemoPatients {

    public static final String ALEX = "demo-alex";
    public static final String SAM = "demo-sam";
    public static final String PRIMARY_CARE_PROVIDER = "pcp-morgan";
    public static final String COVERING_PROVIDER = "pcp-lee";
    public static final String ORGANIZATION = "portal-health";
    public static final String RESOURCE = "demo/demo-patients.json";
    public static final String CARE_TEAM = "alex-care-team";
    public static final String AWAY_ROLE = "pcp-morgan-role";
    public static final String SURVEY = "pre-visit-check-in";
    public static final String LESSON = "lesson-blood-pressure";
    /** Questionnaire.code system telling a lesson (code {@code lesson}) from a survey ({@code survey}). */
    public static final String QUESTIONNAIRE_KIND_SYSTEM = "http://portal.health/fhir/CodeSystem/questionnaire-kind";

    private static final Pattern RELATIVE_DAY = Pattern.compile("@@(DAYS|TIME|MONTH)([+-]\\d+)(?:D(\\d{2}))?@@");

    private DemoPatients() {}

    /** Loads the demo bundle and returns the number of demo patients. */
    public static int load(FhirStore store) {
        IParser parser = store.fhirContext().newJsonParser();
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        Bundle bundle = parser.parseResource(Bundle.class, text(LocalDate.now(ZoneOffset.UTC)));
        int patients = 0;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            store.putSeed(resource, null);
            if (resource.fhirType().equals("Patient")) {
                patients++;
            }
        }
        return patients;
    }

    private static String relative(LocalDate today, String unit, long offset, String dayOfMonth) {
        return switch (unit) {
            case "MONTH" -> {
                LocalDate month = today.withDayOfMonth(1).plusMonths(offset);
                int day = dayOfMonth == null ? 1 : Integer.parseInt(dayOfMonth);
                yield month.withDayOfMonth(Math.min(day, month.lengthOfMonth())).toString();
            }
            case "TIME" -> today.plusDays(offset) + "T00:00:00Z";
            default -> today.plusDays(offset).toString();
        };
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
                m.appendReplacement(out, relative(today, m.group(1), Long.parseLong(m.group(2)), m.group(3)));
            }
            m.appendTail(out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
