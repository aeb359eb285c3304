package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.Outcome;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Staff are named people with one role each and a second factor, against the real Keycloak: no shared staff account
 * or secret, a sign-in without a one-time code gives no staff authority anywhere, each role does only its own work,
 * and every staff action shows in the patient's access log with the person who did it.
 */
class StaffAccessTest extends IdentityIntegrationTest {

    @Test
    void theRealmFileHoldsNoSecretAndNoSharedStaffAccount() throws Exception {
        JsonNode realm = JsonMapper.builder()
                .build()
                .readTree(Files.readString(Path.of("..", "deploy", "keycloak", "portal-realm.json")));
        for (JsonNode client : realm.path("clients")) {
            if (client.has("secret")) {
                assertThat(client.path("secret").asString())
                        .as("secret of " + client.path("clientId").asString())
                        .matches("\\$\\{[A-Z_]+}");
            }
        }
        ClientRepresentation staff = realmAdmin()
                .clients()
                .findByClientId(KeycloakServer.STAFF_CLIENT)
                .getFirst();
        assertThat(staff.isPublicClient()).isTrue();
        assertThat(staff.isServiceAccountsEnabled()).isFalse();
        assertThat(staff.isDirectAccessGrantsEnabled()).isFalse();
        // the one grant left to staff tooling is a person's sign-in
        HttpResponse<String> clientCredentials = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + "/protocol/openid-connect/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(BrowserSignIn.form(Map.of(
                                        "grant_type", "client_credentials", "client_id", KeycloakServer.STAFF_CLIENT))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(clientCredentials.statusCode()).isIn(400, 401);
    }

    @Test
    void aStaffTokenCarriesTheSecondFactor() {
        Map<String, Object> claims = claims(frontDeskToken());

        assertThat(claims)
                .containsEntry("azp", KeycloakServer.STAFF_CLIENT)
                .containsEntry("preferred_username", "jordan.lee");
        assertThat(claims.get("amr"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .contains("pwd", "otp");
    }

    @Test
    void aNewStaffMemberMustSetUpAnAuthenticatorAppBeforeAnyToken() {
        String username = uniqueUsername("new-staff");
        String password = "Staff-" + UUID.randomUUID();
        createUserWithPassword(username, password, "front-desk");

        BrowserSignIn.Result attempt = BrowserSignIn.attempt(BrowserSignIn.Request.of(
                        KEYCLOAK.issuerUri(),
                        KeycloakServer.STAFF_CLIENT,
                        null,
                        KeycloakServer.STAFF_REDIRECT_URI,
                        username,
                        password)
                .oneTimeCodes(() -> "000000"));

        assertThat(attempt.succeeded()).isFalse();
        // Keycloak's authenticator-app set-up page (required action CONFIGURE_TOTP), not a token
        assertThat(attempt.page()).contains("name=\"totpSecret\"");
    }

    @Test
    void aStaffMemberSignedInWithoutTheStaffClientHasNoStaffAuthority() {
        String username = uniqueUsername("desk-via-portal");
        String password = "Staff-" + UUID.randomUUID();
        createUserWithPassword(username, password, "front-desk");
        String patientPortalToken = signIn(username, password).accessToken();

        Reply issued = post(
                "/internal/staff/activation-codes",
                patientPortalToken,
                Map.of("patientId", uniquePatientId(), "birthDate", FakeRecordsService.BIRTH_DATE));

        assertThat(issued.status()).isEqualTo(403);
    }

    @Test
    void eachStaffRoleDoesOnlyItsOwnWork() {
        String patientId = uniquePatientId();

        assertThat(post(
                                "/internal/staff/activation-codes",
                                privacyOfficerToken(),
                                Map.of("patientId", patientId, "birthDate", FakeRecordsService.BIRTH_DATE))
                        .status())
                .isEqualTo(403);
        assertThat(post(
                                "/internal/staff/patients/" + patientId + "/access-termination",
                                frontDeskToken(),
                                Map.of("reason", "not the front desk's call"))
                        .status())
                .isEqualTo(403);
        assertThat(get("/internal/staff/access-log?patientId=" + patientId, frontDeskToken())
                        .status())
                .isEqualTo(403);
        assertThat(get("/internal/staff/access-log/verification", frontDeskToken())
                        .status())
                .isEqualTo(403);
    }

    @Test
    void everyStaffActionShowsInThePatientsLogWithThePerson() {
        Patient patient = enrollNewPatient("staff-logged");
        Reply revoked = post(
                "/internal/staff/activation-codes",
                frontDeskToken(),
                Map.of("patientId", patient.patientId(), "birthDate", FakeRecordsService.BIRTH_DATE));
        post(
                "/internal/staff/activation-codes/" + revoked.body().path("id").asString() + "/revocation",
                frontDeskToken(),
                "{}");
        assertThat(get("/internal/staff/access-log?patientId=" + patient.patientId(), privacyOfficerToken())
                        .status())
                .isEqualTo(200);
        assertThat(post(
                                "/internal/staff/patients/" + patient.patientId() + "/access-termination",
                                privacyOfficerToken(),
                                Map.of("reason", "patient asked to close the account"))
                        .status())
                .isEqualTo(200);

        JsonNode entries = get(
                        "/internal/staff/access-log?patientId=" + patient.patientId() + "&size=200",
                        privacyOfficerToken())
                .body()
                .path("entries");
        assertThat(staffEntry(entries, "activation_code.issued", "jordan.lee")).contains("Jordan Lee");
        assertThat(staffEntry(entries, "activation_code.revoked", "jordan.lee")).contains("Jordan Lee");
        assertThat(staffEntry(entries, "access_log.read", "robin.okafor")).contains("Robin Okafor");
        assertThat(staffEntry(entries, "account.access_terminated", "robin.okafor"))
                .contains("Robin Okafor");
    }

    @Test
    void aClinicianReadingTheRecordShowsInThePatientsLogByNameAndPurpose() throws Exception {
        Patient patient = enrollNewPatient("read-by-clinician");
        // as records-service audits a clinician's read: the subject, and the user ID of the named person
        EventEnvelope audit = Envelopes.wrap(
                AuditEvent.newBuilder()
                        .setActorId(UUID.randomUUID().toString())
                        .setActorName("dr.morgan")
                        .setActorType(ActorType.STAFF)
                        .setPatientId(patient.patientId())
                        .setAction("records.GetHealthSummary")
                        .setResource("Patient,Condition")
                        .setOutcome(Outcome.SUCCESS)
                        .setDetail("OK; purpose TREAT (treatment)")
                        .build(),
                patient.patientId(),
                "records-service",
                null,
                Instant.now());
        try (KafkaProducer<String, byte[]> kafka =
                KafkaBroker.writer(KafkaBroker.shared().bootstrapServers())) {
            kafka.send(new ProducerRecord<>(Topics.AUDIT_EVENTS, patient.patientId(), audit.toByteArray()))
                    .get();
        }

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(staffEntry(
                                get(
                                                "/internal/staff/access-log?patientId=" + patient.patientId(),
                                                privacyOfficerToken())
                                        .body()
                                        .path("entries"),
                                "records.GetHealthSummary",
                                "dr.morgan"))
                        .contains("purpose TREAT"));
    }

    /** The detail of the staff entry with this action and actor; fails when there is none. */
    private static String staffEntry(JsonNode entries, String action, String actor) {
        for (JsonNode entry : entries) {
            if (entry.path("action").asString().equals(action)
                    && entry.path("actorType").asString().equals("STAFF")
                    && entry.path("actorId").asString().equals(actor)) {
                return entry.path("detail").asString();
            }
        }
        throw new AssertionError("no " + action + " by " + actor + " in " + entries);
    }

    private static void createUserWithPassword(String username, String password, String realmRole) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEnabled(true);
        user.setEmail(username + "@staff.portal.invalid");
        user.setEmailVerified(true);
        user.setFirstName("New");
        user.setLastName("Staff");
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        user.setCredentials(List.of(credential));
        try (var created = realmAdmin().users().create(user)) {
            String location = created.getLocation().getPath();
            String id = location.substring(location.lastIndexOf('/') + 1);
            realmAdmin()
                    .users()
                    .get(id)
                    .roles()
                    .realmLevel()
                    .add(List.of(realmAdmin().roles().get(realmRole).toRepresentation()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> claims(String token) {
        String payload = token.split("\\.")[1];
        return JsonMapper.builder()
                .build()
                .readValue(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8), Map.class);
    }
}
