package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import health.portal.emr.sandbox.store.FhirStore;

import java.util.ArrayList;
import java.util.List;

/** HAPI's plain RESTful server over the in-memory store, mounted at /fhir/*. */
public final class SandboxFhirServer extends RestfulServer {

    private static final long serialVersionUID = 1L;
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAXIMUM_PAGE_SIZE = 500;
    /** Searches kept for paging; older ones expire first. */
    static final int PAGED_SEARCHES_KEPT = 2000;

    private final transient FhirStore store;

    public SandboxFhirServer(FhirStore store) {
        super(store.fhirContext());
        this.store = store;
    }

    @Override
    protected void initialize() {
        setServerName("health-portal EMR sandbox");
        setImplementationDescription("In-memory FHIR R4 EMR sandbox seeded with Synthea and demo patients");
        setDefaultResponseEncoding(EncodingEnum.JSON);
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(PAGED_SEARCHES_KEPT);
        paging.setDefaultPageSize(DEFAULT_PAGE_SIZE);
        paging.setMaximumPageSize(MAXIMUM_PAGE_SIZE);
        setPagingProvider(paging);
        List<IResourceProvider> providers = new ArrayList<>();
        providers.add(new PatientProvider(store));
        providers.addAll(ClinicalProviders.all(store));
        providers.add(new CareProviders.CareTeams(store));
        providers.add(new CareProviders.PractitionerRoles(store));
        providers.addAll(BillingProviders.all(store));
        providers.add(new WritableProviders.Communications(store));
        providers.add(new WritableProviders.QuestionnaireResponses(store));
        setResourceProviders(providers);
    }
}
