package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.ICriterion;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.gclient.IUntypedQuery;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.portal.emr.adapter.smart.BearerTokenInterceptor;
import health.portal.emr.adapter.smart.SmartBackendAuth;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The connection to the EMR and the only ways the adapter reads it: a resource by id, and a search with all its
 * pages. Every exchange goes through the {@link EmrGuard}.
 */
final class FhirAccess {

    private static final int MAX_PAGES = 500; // a server whose next links loop must not hold a thread forever

    private final EmrSettings settings;
    private final FhirContext fhir;
    private final IGenericClient client;
    private final EmrGuard guard;
    private final PatientCompartment compartment;
    private final ForeignResourceListener foreign;

    FhirAccess(EmrSettings settings, ForeignResourceListener foreign) {
        this.settings = settings;
        // own context: the HTTP timeouts live in the context's client factory
        this.fhir = FhirContext.forR4();
        IRestfulClientFactory factory = fhir.getRestfulClientFactory();
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setConnectTimeout((int) settings.connectTimeout().toMillis());
        factory.setConnectionRequestTimeout((int) settings.connectTimeout().toMillis());
        factory.setSocketTimeout((int) settings.readTimeout().toMillis());
        this.client = fhir.newRestfulGenericClient(settings.baseUrl());
        if (settings.smart() != null) {
            client.registerInterceptor(new BearerTokenInterceptor(new SmartBackendAuth(
                    settings.smart(), settings.connectTimeout().plus(settings.readTimeout()))));
        }
        this.guard = new EmrGuard(settings);
        this.compartment = new PatientCompartment(fhir);
        this.foreign = foreign;
    }

    EmrSettings settings() {
        return settings;
    }

    FhirContext fhirContext() {
        return fhir;
    }

    IGenericClient client() {
        return client;
    }

    EmrGuard guard() {
        return guard;
    }

    /** The resource, or empty when the EMR has none with this id or has deleted it. */
    <T extends Resource> Optional<T> readOrEmpty(Class<T> type, String id) {
        return Optional.ofNullable(guard.read("read " + type.getSimpleName(), () -> {
            try {
                return client.read().resource(type).withId(id).execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        }));
    }

    CapabilityStatement capabilities() {
        return guard.read(
                "read CapabilityStatement",
                () -> client.capabilities().ofType(CapabilityStatement.class).execute());
    }

    <T extends Resource> List<T> searchAll(Class<T> type, String patientId) {
        return searchAll(type, patientId, null, null, null);
    }

    /**
     * Searches resources of one type (the patient's, or all when patientId is null) to the last page. Every other
     * entry, what the include brought, goes into included (when given) keyed by "Type/id".
     */
    <T extends Resource> List<T> searchAll(
            Class<T> type, String patientId, ICriterion<?> extra, Include include, Map<String, Resource> included) {
        return searchAllMatching(type, patientId, extra == null ? List.of() : List.of(extra), include, included);
    }

    /** As {@link #searchAll(Class, String, ICriterion, Include, Map)}, with every criterion of the list (AND). */
    <T extends Resource> List<T> searchAllMatching(
            Class<T> type,
            String patientId,
            List<ICriterion<?>> extra,
            Include include,
            Map<String, Resource> included) {
        String op = "search " + type.getSimpleName();
        Bundle first;
        try {
            first = firstPage(op, q -> q.forResource(type), patientId, extra, include);
        } catch (EmrUnavailableException | EmrInvalidDataException e) {
            throw e;
        } catch (EmrException e) {
            if (include == null) {
                throw e;
            }
            // an EMR that does not support this _include answers 400: search without, the callers resolve the rest
            first = firstPage(op, q -> q.forResource(type), patientId, extra, null);
        }
        List<T> out = new ArrayList<>();
        forEachEntry(first, op, patientId, e -> {
            Resource r = e.getResource();
            boolean isInclude = e.hasSearch() && e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE;
            if (type.isInstance(r) && !isInclude) {
                out.add(type.cast(r));
            } else if (included != null) {
                included.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
            }
        });
        return out;
    }

    /** The patient's resources of a type known only by name, to the last page. */
    List<Resource> searchAll(String type, String patientId) {
        String op = "search " + type;
        List<Resource> out = new ArrayList<>();
        forEachEntry(firstPage(op, q -> q.forResource(type), patientId, List.of(), null), op, patientId, e -> {
            if (type.equals(e.getResource().fhirType())) {
                out.add(e.getResource());
            }
        });
        return out;
    }

    private Bundle firstPage(
            String op,
            Function<IUntypedQuery<IBaseBundle>, IQuery<IBaseBundle>> resource,
            String patientId,
            List<ICriterion<?>> extra,
            Include include) {
        return guard.read(op, () -> {
            IQuery<IBaseBundle> query = resource.apply(client.search());
            if (patientId != null) {
                query = query.where(new ReferenceClientParam("patient").hasId(patientId));
            }
            for (ICriterion<?> criterion : extra) {
                query = query.and(criterion);
            }
            if (include != null) {
                query = query.include(include);
            }
            return query.count(settings.searchPageSize())
                    .returnBundle(Bundle.class)
                    .execute();
        });
    }

    /**
     * Visits every entry with a resource that belongs to the patient (when the search was for one), following the
     * Bundle's next links to the end. Entries of another patient are dropped here and reported to the listener.
     */
    private void forEachEntry(Bundle first, String op, String patientId, Consumer<Bundle.BundleEntryComponent> visit) {
        Map<String, Integer> dropped = new TreeMap<>();
        Bundle page = first;
        for (int n = 0; page != null && n < MAX_PAGES; n++) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                Resource r = e.getResource();
                if (r == null) {
                    continue;
                }
                if (patientId != null && !compartment.admits(r, patientId)) {
                    dropped.merge(r.fhirType(), 1, Integer::sum);
                } else {
                    visit.accept(e);
                }
            }
            page = nextPage(page, op);
        }
        dropped.forEach((type, count) -> foreign.dropped(patientId, type, count));
    }

    private Bundle nextPage(Bundle page, String op) {
        if (page.getLink(Bundle.LINK_NEXT) == null || page.getEntry().isEmpty()) {
            return null;
        }
        return guard.read(
                op + " (next page)", () -> client.loadPage().next(page).execute());
    }
}
