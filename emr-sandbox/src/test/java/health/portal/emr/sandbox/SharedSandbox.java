package health.portal.emr.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

import java.util.ArrayList;
import java.util.List;

/** One sandbox (defaults: 10 Synthea + 2 demo patients) shared by the test classes of this JVM. */
final class SharedSandbox {

    private static EmrSandbox sandbox;

    private SharedSandbox() {}

    static synchronized EmrSandbox get() {
        if (sandbox == null) {
            sandbox = EmrSandbox.start(EmrSandbox.Options.defaults());
            Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        }
        return sandbox;
    }

    static FhirContext fhir() {
        return FhirContext.forR4Cached();
    }

    static IGenericClient client() {
        return fhir().newRestfulGenericClient(get().fhirBaseUrl());
    }

    /** Follows next links with the HAPI client and returns every resource of every page. */
    static List<IBaseResource> allPages(IGenericClient client, Bundle first) {
        List<IBaseResource> all = new ArrayList<>();
        Bundle page = first;
        while (true) {
            page.getEntry().forEach(entry -> all.add(entry.getResource()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                return all;
            }
            page = client.loadPage().next(page).execute();
        }
    }
}
