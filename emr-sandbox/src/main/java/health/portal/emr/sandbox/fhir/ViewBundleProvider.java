package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A search result: the matching resources picked when the search ran, parsed a page at a time. HAPI keeps it in
 * the paging provider and serves the next pages from it ({@code _getpages} links).
 */
final class ViewBundleProvider implements IBundleProvider {

    private final FhirContext fhirContext;
    private final List<ResourceView> views;
    private final InstantType published = new InstantType(new Date());

    ViewBundleProvider(FhirContext fhirContext, List<ResourceView> views) {
        this.fhirContext = fhirContext;
        this.views = List.copyOf(views);
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        int from = Math.max(0, Math.min(fromIndex, views.size()));
        int to = Math.max(from, Math.min(toIndex, views.size()));
        List<IBaseResource> page = new ArrayList<>(to - from);
        for (ResourceView view : views.subList(from, to)) {
            page.add(view.resource(fhirContext));
        }
        return page;
    }

    @Override
    public String getUuid() {
        return null;
    }

    @Override
    public Integer preferredPageSize() {
        return null;
    }

    @Override
    public Integer size() {
        return views.size();
    }
}
