package health.portal.identity.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.identity.IdentityIntegrationTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** GET /internal/contacts/{patientId}: the notice address, for messaging-service's service account alone. */
class ContactsTest extends IdentityIntegrationTest {

    private static String messagingServiceToken() {
        return KEYCLOAK.serviceAccountToken("messaging-service");
    }

    @Test
    void messagingServiceReadsTheEnrolledPatientsPersonalAddressAndTheReadIsInTheAccessLog() {
        Patient patient = enrollNewPatient("contact");

        Reply contact = get("/internal/contacts/" + patient.patientId(), messagingServiceToken());

        assertThat(contact.status()).as(String.valueOf(contact.body())).isEqualTo(200);
        assertThat(contact.body().path("email").asString()).isEqualTo(patient.username() + "@example.org");
        assertThat(jdbc.queryForList(
                        "select actor_id, actor_type from access_log_entry where patient_id = ? and action = ?",
                        patient.patientId(),
                        "contact.notice_address_read"))
                .containsExactly(Map.of("actor_id", "messaging-service", "actor_type", "SERVICE"));
    }

    @Test
    void everyoneElseIsRefusedWithAProblem() {
        Patient patient = enrollNewPatient("contact-other");
        String path = "/internal/contacts/" + patient.patientId();
        List<String> others = List.of(
                signIn(patient.username(), patient.password()).accessToken(),
                privacyOfficerToken(),
                frontDeskToken(),
                KEYCLOAK.serviceAccountToken("records-client"),
                KEYCLOAK.serviceAccountToken("identity-service"));

        for (String token : others) {
            Reply refused = get(path, token);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.type()).startsWith("https://portal.health/problems/");
            assertThat(refused.raw().body()).doesNotContain("@example.org");
        }
        assertThat(get(path, null).status()).isEqualTo(401);
    }

    @Test
    void noAddressForAnUnknownPatientNorAfterAccessEnded() {
        Reply unknown = get("/internal/contacts/" + uniquePatientId(), messagingServiceToken());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.type()).isEqualTo("https://portal.health/problems/no-contact");

        Patient patient = enrollNewPatient("contact-ended");
        Reply terminated = post(
                "/internal/staff/patients/" + patient.patientId() + "/access-termination",
                privacyOfficerToken(),
                Map.of("reason", "moved away"));
        assertThat(terminated.status()).as(String.valueOf(terminated.body())).isEqualTo(200);

        Reply ended = get("/internal/contacts/" + patient.patientId(), messagingServiceToken());
        assertThat(ended.status()).isEqualTo(404);
        assertThat(ended.raw().body()).doesNotContain("@example.org");
    }
}
