package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

class FaultsTest {

    private final EmrSandbox sandbox = SharedSandbox.get();
    private final IGenericClient client = SharedSandbox.client();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void reset() {
        sandbox.faults().reset();
    }

    private Patient readAlex() {
        return client.read().resource(Patient.class).withId(DemoPatients.ALEX).execute();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theNextRequestsFailThenServiceResumes() {
        readAlex(); // the client has fetched /metadata, which faults spare
        sandbox.faults().failNext(2);
        assertThatThrownBy(this::readAlex).isInstanceOf(InternalErrorException.class);
        assertThatThrownBy(this::readAlex).isInstanceOf(InternalErrorException.class);
        assertThat(readAlex().getIdPart()).isEqualTo(DemoPatients.ALEX);
    }

    @Test
    void invalidAnswersAreMalformedJsonWithStatus200() throws Exception {
        sandbox.faults().answerInvalidNext(1);
        HttpResponse<String> broken = get(sandbox.fhirBaseUrl() + "/Patient/" + DemoPatients.ALEX);
        assertThat(broken.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> SharedSandbox.fhir().newJsonParser().parseResource(broken.body()))
                .isInstanceOf(DataFormatException.class);
        HttpResponse<String> fine = get(sandbox.fhirBaseUrl() + "/Patient/" + DemoPatients.ALEX);
        assertThat(SharedSandbox.fhir()
                        .newJsonParser()
                        .parseResource(Patient.class, fine.body())
                        .getIdPart())
                .isEqualTo(DemoPatients.ALEX);

        readAlex();
        sandbox.faults().answerInvalidNext(1);
        // what callers using HAPI's generic client see
        assertThatThrownBy(this::readAlex)
                .isInstanceOf(FhirClientConnectionException.class)
                .hasMessageContaining("Failed to parse response");
    }

    @Test
    void everyAnswerIsDelayedUntilReset() {
        sandbox.faults().delayEveryAnswer(Duration.ofMillis(700));
        long started = System.nanoTime();
        readAlex();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        sandbox.faults().reset();
        assertThat(sandbox.faults().delay()).isZero();
    }

    @Test
    void theAdminEndpointDrivesTheSameSwitches() throws Exception {
        String admin = "http://localhost:" + sandbox.port() + "/admin/faults";
        HttpResponse<String> set = http.send(
                HttpRequest.newBuilder(URI.create(admin + "?fail=1&delayMs=5"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(set.body()).isEqualTo("{\"fail\":1,\"invalid\":0,\"delayMs\":5,\"ignorePatientFilter\":false}");
        assertThat(get(sandbox.fhirBaseUrl() + "/Patient/" + DemoPatients.ALEX).statusCode())
                .isEqualTo(500);
        assertThat(get(sandbox.fhirBaseUrl() + "/Patient/" + DemoPatients.ALEX).statusCode())
                .isEqualTo(200);
        HttpResponse<String> bad = http.send(
                HttpRequest.newBuilder(URI.create(admin + "?fail=lots"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("fail must be a whole number");
        http.send(HttpRequest.newBuilder(URI.create(admin)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sandbox.faults().delay()).isZero();
    }

    @Test
    void aSearchCanBeAnsweredWithEveryPatientsResources() throws Exception {
        String alexOnly = get(sandbox.fhirBaseUrl() + "/Condition?patient=" + DemoPatients.ALEX + "&_count=500")
                .body();
        String anotherPatient = "\"reference\":\"Patient/(?!" + DemoPatients.ALEX + "\")";
        assertThat(alexOnly)
                .contains("\"reference\":\"Patient/" + DemoPatients.ALEX + "\"")
                .doesNotContainPattern(anotherPatient);

        HttpResponse<String> set = http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://localhost:" + sandbox.port() + "/admin/faults?ignorePatientFilter=true"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(set.body()).contains("\"ignorePatientFilter\":true");
        String everyone = get(sandbox.fhirBaseUrl() + "/Condition?patient=" + DemoPatients.ALEX + "&_count=500")
                .body();
        assertThat(everyone).containsPattern(anotherPatient);

        sandbox.faults().reset();
        assertThat(sandbox.faults().ignoresPatientFilter()).isFalse();
    }

    @Test
    void healthAndMetadataStayUp() throws Exception {
        sandbox.faults().failNext(5);
        HttpResponse<String> health = get("http://localhost:" + sandbox.port() + "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(get(sandbox.fhirBaseUrl() + "/metadata").body()).contains("CapabilityStatement");
        assertThat(sandbox.faults().pendingFailures()).isEqualTo(5);
    }
}
