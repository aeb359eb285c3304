package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.portal.emr.sandbox.requests.RequestLog;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Observation $lastn (the latest of each vital sign in one request), the search of observations by _id (a lab page's
 * results), and the request log that callers' tests count EMR requests with.
 */
class LastNAndRequestLogTest {

    private final IGenericClient client = SharedSandbox.client();

    private List<String> ids(String url) {
        Bundle first = client.search()
                .byUrl(SharedSandbox.get().fhirBaseUrl() + "/" + url)
                .returnBundle(Bundle.class)
                .execute();
        return SharedSandbox.allPages(client, first).stream()
                .map(IBaseResource::getIdElement)
                .map(id -> id.getIdPart())
                .toList();
    }

    @Test
    void lastnGivesTheLatestOfEachCodeOfTheCategoryNewestFirst() {
        assertThat(ids("Observation/$lastn?patient=demo-alex&category=vital-signs"))
                .containsExactly(
                        "alex-vital-bp-2025-10-02",
                        "alex-vital-weight-2025-06-10",
                        "alex-vital-height-2025-06-10",
                        "alex-vital-hr-2025-06-10");
        assertThat(ids("Observation/$lastn?patient=demo-alex&category=vital-signs&max=2"))
                .contains("alex-vital-bp-2025-10-02", "alex-vital-bp-2025-06-10")
                .hasSize(5);
        assertThat(ids("Observation/$lastn?patient=demo-alex&category=vital-signs&code=http://loinc.org|8867-4"))
                .containsExactly("alex-vital-hr-2025-06-10");
        assertThat(ids("Observation/$lastn?patient=demo-sam&category=laboratory&code=http://loinc.org|8867-4"))
                .isEmpty();
    }

    @Test
    void lastnNeedsACategory() {
        assertThatThrownBy(() -> ids("Observation/$lastn?patient=demo-alex"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ids("Observation/$lastn?patient=demo-alex&category=vital-signs&max=0"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void observationsByIdOnlyThePatients() {
        assertThat(ids("Observation?patient=demo-alex&_id=alex-obs-ldl,alex-obs-hemoglobin,alex-vital-hr-2025-06-10"))
                .containsExactlyInAnyOrder("alex-obs-ldl", "alex-obs-hemoglobin", "alex-vital-hr-2025-06-10");
        assertThat(ids("Observation?patient=demo-sam&_id=alex-obs-ldl")).isEmpty();
    }

    @Test
    void theRequestLogHasEveryAnsweredRequestWithItsStatus() {
        RequestLog log = SharedSandbox.get().requests();
        log.clear();
        client.read().resource(Patient.class).withId("demo-alex").execute();
        assertThatThrownBy(() ->
                        client.read().resource(Observation.class).withId("nope").execute())
                .isInstanceOf(ResourceNotFoundException.class);
        SharedSandbox.get().faults().failNext(1);
        try {
            assertThatThrownBy(() ->
                    client.read().resource(Patient.class).withId("demo-sam").execute());
        } finally {
            SharedSandbox.get().faults().reset();
        }
        assertThat(log.entries())
                .filteredOn(e -> !e.path().equals("/fhir/metadata"))
                .extracting(e -> e.method() + " " + e.path() + " " + e.status())
                .containsExactly(
                        "GET /fhir/Patient/demo-alex 200",
                        "GET /fhir/Observation/nope 404",
                        "GET /fhir/Patient/demo-sam 500");
        assertThat(log.entries())
                .allSatisfy(e -> assertThat(e.answeredNanos()).isGreaterThanOrEqualTo(e.receivedNanos()));
    }
}
