package health.portal.emr.sandbox.store;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources of one generated patient, served a second, third... time under new ids for benchmark-sized sets.
 *
 * <p>Clones are virtual: clone k of a resource has the id {@code <base id>-c<k>} and its body is the base body with
 * every id of the family rewritten the same way. Shared resources (practitioners, organizations, locations) keep
 * their ids. This keeps 10,000 patients in the memory of a few hundred.
 */
public final class CloneFamily {

    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern CLONE_ID = Pattern.compile("(.+)-c(\\d{1,6})");

    private final String basePatientId;
    private final Set<String> ownedIds;
    private volatile int clones;

    CloneFamily(String basePatientId, Set<String> ownedIds) {
        this.basePatientId = basePatientId;
        this.ownedIds = Set.copyOf(ownedIds);
    }

    public String basePatientId() {
        return basePatientId;
    }

    public int clones() {
        return clones;
    }

    void setClones(int clones) {
        this.clones = clones;
    }

    static String cloneId(String baseId, int clone) {
        return clone == 0 ? baseId : baseId + "-c" + clone;
    }

    /** Splits {@code x-c7} into {@code x} and 7, or returns null. */
    static CloneRef parse(String id) {
        Matcher m = CLONE_ID.matcher(id);
        return m.matches() ? new CloneRef(m.group(1), Integer.parseInt(m.group(2))) : null;
    }

    record CloneRef(String baseId, int number) {}

    /** Rewrites every id of this family inside the text (JSON body, identifier or reference) for clone k. */
    String rewrite(String text, int clone) {
        if (clone == 0) {
            return text;
        }
        Matcher m = UUID.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 256);
        while (m.find()) {
            String found = m.group();
            m.appendReplacement(out, ownedIds.contains(found) ? cloneId(found, clone) : found);
        }
        m.appendTail(out);
        return out.toString();
    }
}
