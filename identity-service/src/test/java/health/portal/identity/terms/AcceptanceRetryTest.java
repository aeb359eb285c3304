package health.portal.identity.terms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import health.portal.identity.IdentityIntegrationTest;
import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.keycloak.KeycloakConfig;
import health.portal.identity.keycloak.KeycloakProperties;
import health.portal.identity.web.ClientInfo;
import health.portal.platform.security.Caller;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Accepting while Keycloak is away: the acceptance is recorded, the patient is told to send it again (503 naming the
 * sign-in service), and the retry sets the account's attribute without recording a second acceptance.
 */
class AcceptanceRetryTest extends IdentityIntegrationTest {

    @Autowired
    TermsService terms;

    @Autowired
    AccessLog accessLog;

    @Autowired
    TransactionTemplate tx;

    private int acceptances(Patient patient, String version) {
        return jdbc.queryForObject(
                "select count(*) from terms_acceptance where user_id = ? and version = ?",
                Integer.class,
                patient.userId(),
                version);
    }

    private static String attribute(String userId) {
        return realmAdmin().users().get(userId).toRepresentation().firstAttribute("terms_version");
    }

    @Test
    void anAcceptanceKeycloakMissedIsRecordedAndTheRetrySetsTheAttribute() throws Exception {
        Patient patient = enrollNewPatient("terms-retry");
        String before = attribute(patient.userId());
        String next = "tr-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(post(
                                "/internal/staff/terms",
                                privacyOfficerToken(),
                                Map.of("version", next, "text", "New terms: not for emergencies."))
                        .status())
                .isEqualTo(201);

        int nothingListens;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = probe.getLocalPort();
        }
        KeycloakProperties away = new KeycloakProperties(
                "http://127.0.0.1:" + nothingListens,
                "portal",
                "identity-service",
                "secret",
                Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        Caller caller = Caller.fromClaims(Map.of(
                "sub", patient.userId(),
                "realm_access", Map.of("roles", List.of("patient")),
                "patient_id", patient.patientId()));
        try (Keycloak admin = KeycloakConfig.adminClient(away)) {
            TermsAcceptance withoutKeycloak =
                    new TermsAcceptance(terms, accessLog, new KeycloakAccounts(admin, away), tx);
            ErrorResponseException refused = catchThrowableOfType(
                    ErrorResponseException.class,
                    () -> withoutKeycloak.accept(caller, next, new ClientInfo("127.0.0.1", "test")));
            assertThat(refused).isNotNull();
            assertThat(refused.getStatusCode().value()).isEqualTo(503);
            assertThat(refused.getBody().getDetail())
                    .contains("sign-in service")
                    .contains("recorded");
        }
        assertThat(acceptances(patient, next)).isEqualTo(1);
        assertThat(attribute(patient.userId())).isEqualTo(before);

        String token = signIn(patient.username(), patient.password()).accessToken();
        Reply retried = post("/api/me/terms-acceptance", token, Map.of("version", next));
        assertThat(retried.status()).as(String.valueOf(retried.body())).isEqualTo(200);
        assertThat(attribute(patient.userId())).isEqualTo(next);
        assertThat(acceptances(patient, next)).isEqualTo(1);
    }
}
