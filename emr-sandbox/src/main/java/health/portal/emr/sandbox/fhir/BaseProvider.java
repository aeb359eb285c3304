package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.function.Predicate;

/** Read by id for every served type; subclasses add their searches. */
abstract class BaseProvider<T extends Resource> implements IResourceProvider {

    protected final FhirStore store;
    private final Class<T> resourceType;

    BaseProvider(FhirStore store, Class<T> resourceType) {
        this.store = store;
        this.resourceType = resourceType;
    }

    @Override
    public Class<T> getResourceType() {
        return resourceType;
    }

    protected String typeName() {
        return resourceType.getSimpleName();
    }

    @Read
    public T read(@IdParam IdType id) {
        ResourceView view = store.read(typeName(), id.getIdPart())
                .orElseThrow(() -> new ResourceNotFoundException(new IdType(typeName(), id.getIdPart())));
        return resourceType.cast(view.resource(store.fhirContext()));
    }

    protected IBundleProvider result(List<ResourceView> views) {
        return new ViewBundleProvider(store.fhirContext(), views);
    }

    /** The patient's resources of this type with the given categories, codes and date, sorted by date. */
    protected IBundleProvider byCategoryCodeAndDate(
            ReferenceParam patient,
            ReferenceParam subject,
            TokenAndListParam category,
            TokenAndListParam code,
            DateRangeParam date,
            SortSpec sort) {
        return result(Matching.sort(
                filter(
                        Matching.candidates(store, typeName(), patient, subject),
                        v -> Matching.tokens(v.categories(), category)
                                && Matching.tokens(v.codes(), code)
                                && Matching.date(v, date)),
                sort,
                "date"));
    }

    protected static List<ResourceView> filter(List<ResourceView> views, Predicate<ResourceView> predicate) {
        return views.stream().filter(predicate).toList();
    }
}
