package health.portal.emr.adapter.smart;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;

/** Adds the SMART backend access token to every FHIR request. */
public class BearerTokenInterceptor implements IClientInterceptor {

    private final SmartBackendAuth auth;

    public BearerTokenInterceptor(SmartBackendAuth auth) {
        this.auth = auth;
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        request.removeHeaders("Authorization");
        request.addHeader("Authorization", "Bearer " + auth.accessToken());
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        // nothing: a 401 surfaces as EMR unavailable through EmrGuard
    }
}
