package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.security.interfaces.RSAPrivateKey;

/** JSON over HTTPS mapped onto records-service gRPC: token relayed, patient from the token, statuses mapped. */
class RecordsApiTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void summaryIsTheCallersOwnRecordWithTheTokenRelayedAndADeadline() {
        TestUser user = patient("records");
        String token = mobileToken(user);

        HttpResponse<String> response = get("/api/records/summary", token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Content-Type")).startsWith("application/json");
        JsonNode summary = JSON.readTree(response.body());
        assertThat(summary.path("patient").path("patientId").asString()).isEqualTo(user.patientId());
        assertThat(summary.path("allergies").get(0).path("substance").asString())
                .isEqualTo("Peanut");
        assertThat(summary.has("problems")).as("empty lists are present").isTrue();
        assertThat(RECORDS.lastAuthorization.get()).isEqualTo("Bearer " + token);
        assertThat(RECORDS.lastPatientId.get()).isEqualTo(user.patientId());
        assertThat(RECORDS.lastDeadlineMillis.get())
                .as("deadline set by the gateway")
                .isNotNull()
                .isLessThanOrEqualTo(2000L);
    }

    @Test
    void thePatientIdInTheUrlIsIgnored() {
        TestUser user = patient("records");
        String token = mobileToken(user);
        HttpResponse<String> response = get("/api/records/labs?patientId=someone-else&patient_id=other", token);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RECORDS.lastPatientId.get()).isEqualTo(user.patientId());
        assertThat(get("/api/records/visits", token).body()).contains("\"visitClass\":\"ambulatory\"");
        assertThat(RECORDS.lastPatientId.get()).isEqualTo(user.patientId());
    }

    @Test
    void aTelemedicineAppointmentCarriesItsLimitationsForTheApp() {
        String token = mobileToken(patient("records"));
        JsonNode appointments =
                JSON.readTree(get("/api/records/appointments", token).body()).path("appointments");
        assertThat(appointments).hasSize(2);
        assertThat(appointments.get(0).path("telemedicine").asBoolean()).isTrue();
        assertThat(appointments.get(0).path("telemedicineNotice").asString())
                .isEqualTo(TestRecordsServer.TELEMEDICINE_NOTICE);
        assertThat(appointments.get(1).path("telemedicine").asBoolean())
                .as("in person")
                .isFalse();
        assertThat(appointments.get(1).path("telemedicineNotice").asString()).isEmpty();
    }

    @Test
    void pagingIsPassedOnAndValidated() {
        String token = mobileToken(patient("records"));
        assertThat(JSON.readTree(get("/api/records/labs?pageSize=1", token).body())
                        .path("nextPageToken")
                        .asString())
                .isEqualTo("page-2");
        assertProblem(get("/api/records/labs?pageSize=0", token), 400);
        assertProblem(get("/api/records/labs?pageSize=101", token), 400);
        assertProblem(get("/api/records/documents?pageToken=%3Cscript%3E", token), 400);
    }

    @Test
    void documentContentIsADownload() {
        String token = mobileToken(patient("records"));
        HttpResponse<String> pdf = get("/api/records/documents/d1", token);
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(header(pdf, "Content-Type")).isEqualTo("application/pdf");
        assertThat(header(pdf, "Content-Disposition")).startsWith("attachment").contains("document-d1.pdf");
        assertThat(pdf.body()).isEqualTo("%PDF-1.4 test");

        // active content is never served as such from the portal's origin
        HttpResponse<String> html = get("/api/records/documents/html", token);
        assertThat(header(html, "Content-Type")).isEqualTo("application/octet-stream");
        assertThat(header(html, "Content-Disposition")).startsWith("attachment");
    }

    @Test
    void grpcStatusesBecomeProblems() {
        String token = mobileToken(patient("records"));
        assertProblem(get("/api/records/documents/missing", token), 404);
        assertProblem(get("/api/records/documents/forbidden", token), 403);
        HttpResponse<String> unauthenticated = get("/api/records/documents/unauthenticated", token);
        assertProblem(unauthenticated, 401);
        assertThat(header(unauthenticated, "WWW-Authenticate")).startsWith("Bearer");
        HttpResponse<String> invalid = get("/api/records/documents/invalid", token);
        assertProblem(invalid, 400);
        assertThat(invalid.body()).contains("document id rejected");
        HttpResponse<String> down = get("/api/records/documents/down", token);
        assertProblem(down, 503);
        assertThat(header(down, "Retry-After")).matches("\\d+");
        HttpResponse<String> slow = get("/api/records/documents/slow", token); // runs into the 2 s deadline
        assertProblem(slow, 503);
        assertThat(header(slow, "Retry-After")).matches("\\d+");
        assertProblem(get("/api/records/appointments?pageToken=unimplemented", token), 502);
        assertProblem(get("/api/records/documents/not%20an%20id", token), 400);
    }

    @Test
    void exportIsAFhirBundleDownload() {
        TestUser user = patient("records");
        HttpResponse<String> export = get("/api/records/export", mobileToken(user));
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(header(export, "Content-Type")).startsWith("application/fhir+json");
        assertThat(header(export, "Content-Disposition"))
                .startsWith("attachment")
                .contains("health-record-")
                .contains(".json");
        JsonNode bundle = JSON.readTree(export.body());
        assertThat(bundle.path("resourceType").asString()).isEqualTo("Bundle");
        assertThat(bundle.path("entry").get(0).path("resource").path("id").asString())
                .isEqualTo(user.patientId());
    }

    @Test
    void aLargeExportArrivesWhole() {
        TestUser user = patient("records-large-export");
        RECORDS.exportEntries.put(user.patientId(), 20_000); // about 1,000 chunks: far more than one demand batch
        HttpResponse<String> export = get("/api/records/export", mobileToken(user));
        assertThat(export.statusCode()).isEqualTo(200);
        JsonNode bundle = JSON.readTree(export.body());
        assertThat(bundle.path("entry").size()).isEqualTo(20_000);
    }

    @Test
    void anExportCutPartWayIsAbortedNotCompleted() {
        TestUser user = patient("records-cut-export");
        RECORDS.exportsCut.add(user.patientId());
        RECORDS.exportEntries.put(user.patientId(), 2_000);
        String token = mobileToken(user);
        // the status line and the first half went out before the failure: the download must fail, not end
        assertThatThrownBy(() -> get("/api/records/export", token))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void anAccountWithoutPatientRecordIsRefused() throws Exception {
        String real = mobileToken(patient("records"));
        KeycloakAdmin.RealmKey key = KeycloakAdmin.trustedTestKey(KEYCLOAK);
        JWTClaimsSet claims = new JWTClaimsSet.Builder(SignedJWT.parse(real).getJWTClaimsSet())
                .claim("patient_id", null)
                .build();
        SignedJWT withoutPatient = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.kid()).build(), claims);
        withoutPatient.sign(new RSASSASigner((RSAPrivateKey) key.keyPair().getPrivate()));
        HttpResponse<String> response = get("/api/records/summary", withoutPatient.serialize());
        assertProblem(response, 403);
        assertThat(response.body()).contains("not linked to a patient record");
    }
}
