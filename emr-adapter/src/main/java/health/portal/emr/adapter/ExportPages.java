package health.portal.emr.adapter;

import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A patient's search for the export, handed over one page at a time, so that an export holds one page of resources
 * and never the whole record. Resources of another patient are dropped and reported, as {@link FhirAccess} does.
 */
final class ExportPages {

    /**
     * Far above any real record (a million resources at 100 a page), yet a server whose next links loop is stopped:
     * with an error, since an export cut short at a page limit would pass for complete.
     */
    static final int MAX_PAGES = 10_000;

    @FunctionalInterface
    interface PageVisitor {
        void visit(List<Resource> resources) throws IOException;
    }

    private final FhirAccess access;
    private final PatientCompartment compartment;
    private final ForeignResourceListener foreign;

    ExportPages(FhirAccess access, ForeignResourceListener foreign) {
        this.access = access;
        this.compartment = new PatientCompartment(access.fhirContext());
        this.foreign = foreign;
    }

    /** Visits the patient's resources of this type page by page, in the EMR's order, to the last page. */
    void forEachPage(String type, String patientId, PageVisitor visitor) throws IOException {
        String op = "export " + type;
        Map<String, Integer> dropped = new TreeMap<>();
        try {
            Bundle page = access.guard()
                    .read(
                            op,
                            () -> access.client()
                                    .search()
                                    .forResource(type)
                                    .where(new ReferenceClientParam("patient").hasId(patientId))
                                    .count(access.settings().searchPageSize())
                                    .returnBundle(Bundle.class)
                                    .execute());
            for (int n = 1; ; n++) {
                List<Resource> admitted = new ArrayList<>(page.getEntry().size());
                for (Bundle.BundleEntryComponent e : page.getEntry()) {
                    Resource r = e.getResource();
                    if (r == null) {
                        continue;
                    }
                    if (!compartment.admits(r, patientId)) {
                        dropped.merge(r.fhirType(), 1, Integer::sum);
                    } else if (type.equals(r.fhirType())) {
                        admitted.add(r);
                    }
                }
                visitor.visit(admitted);
                if (page.getLink(Bundle.LINK_NEXT) == null || page.getEntry().isEmpty()) {
                    return;
                }
                if (n == MAX_PAGES) {
                    throw new EmrInvalidDataException("EMR answered more than " + MAX_PAGES + " pages during " + op);
                }
                Bundle current = page;
                page = access.guard()
                        .read(
                                op + " (next page)",
                                () -> access.client().loadPage().next(current).execute());
            }
        } finally {
            dropped.forEach((t, count) -> foreign.dropped(patientId, t, count));
        }
    }
}
