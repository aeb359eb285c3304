package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Tests of the sandbox's callers make a practitioner away or available again, over HTTP like a separate process. */
class AvailabilityTest {

    private static EmrSandbox sandbox;
    private static IGenericClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        // its own sandbox: the shared one's seeded windows stay as other tests expect them
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults().syntheaPatients(0));
        client = FhirContext.forR4Cached().newRestfulGenericClient(sandbox.fhirBaseUrl());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private HttpResponse<String> send(String method, String query) throws Exception {
        return http.send(
                HttpRequest.newBuilder(
                                URI.create("http://localhost:" + sandbox.port() + "/admin/availability?" + query))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private PractitionerRole leesRole() {
        return client.read()
                .resource(PractitionerRole.class)
                .withId("pcp-lee-role")
                .execute();
    }

    @Test
    void aPractitionerIsMadeAwayNowThenAvailableAgain() throws Exception {
        Instant now = Instant.now();
        assertThat(leesRole().getNotAvailableFirstRep().getDuring().getEnd()).isBefore(Date.from(now));

        HttpResponse<String> away = send(
                "POST",
                "practitioner=" + DemoPatients.COVERING_PROVIDER + "&start=" + now.minusSeconds(60) + "&end="
                        + now.plusSeconds(86_400));
        assertThat(away.statusCode()).isEqualTo(200);
        PractitionerRole role = leesRole();
        assertThat(role.getNotAvailable()).singleElement().satisfies(w -> {
            assertThat(w.getDuring().getStart()).isBefore(Date.from(now));
            assertThat(w.getDuring().getEnd()).isAfter(Date.from(now));
        });
        assertThat(role.getMeta().getVersionId()).isEqualTo("2");

        assertThat(send("DELETE", "practitioner=" + DemoPatients.COVERING_PROVIDER)
                        .statusCode())
                .isEqualTo(200);
        assertThat(leesRole().getNotAvailable()).isEmpty();

        assertThat(send("POST", "practitioner=" + DemoPatients.COVERING_PROVIDER)
                        .statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "practitioner=nobody&start=" + now).statusCode())
                .isEqualTo(400);
        assertThat(send("POST", "practitioner=pcp-lee&start=" + now + "&end=" + now.minusSeconds(1))
                        .statusCode())
                .isEqualTo(400);
    }
}
