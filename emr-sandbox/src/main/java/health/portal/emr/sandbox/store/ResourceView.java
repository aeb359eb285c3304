package health.portal.emr.sandbox.store;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Resource;

import java.util.Arrays;
import java.util.List;

/** A stored resource as the API sees it: the original (clone 0) or one of its clones. */
public final class ResourceView {

    private final StoredResource stored;
    private final int clone;

    ResourceView(StoredResource stored, int clone) {
        this.stored = stored;
        this.clone = clone;
    }

    public String type() {
        return stored.type;
    }

    public String id() {
        return CloneFamily.cloneId(stored.id, clone);
    }

    /** The id of the patient whose record holds this resource, or null. */
    public String patientId() {
        String patientId = stored.index.patientId();
        return patientId == null ? null : rewrite(patientId);
    }

    public boolean hasDate() {
        return stored.index.hasDate();
    }

    public long dateLow() {
        return stored.index.dateLow();
    }

    public long dateHigh() {
        return stored.index.dateHigh();
    }

    public List<String> codes() {
        return Arrays.asList(stored.index.codes());
    }

    public List<String> categories() {
        return Arrays.asList(stored.index.categories());
    }

    public List<String> identifiers() {
        return rewriteAll(stored.index.identifiers());
    }

    /** References ({@code Type/id}) to the actors of an Appointment, the members of a CareTeam, a role's practitioner. */
    public List<String> actors() {
        return rewriteAll(stored.index.actors());
    }

    /** Lower-cased name parts (Patient, Practitioner). */
    public List<String> names() {
        return Arrays.asList(stored.index.names());
    }

    /** Parses the stored body; every call returns a fresh object the caller may change. */
    public Resource resource(FhirContext fhirContext) {
        return (Resource) fhirContext.newJsonParser().parseResource(rewrite(stored.json()));
    }

    private String rewrite(String text) {
        return clone == 0 ? text : stored.family.rewrite(text, clone);
    }

    private List<String> rewriteAll(String[] values) {
        return clone == 0
                ? Arrays.asList(values)
                : Arrays.stream(values).map(this::rewrite).toList();
    }

    @Override
    public String toString() {
        return type() + "/" + id();
    }
}
