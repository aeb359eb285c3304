package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.AccessTerminated;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

class TermsAndTerminationTest extends IdentityIntegrationTest {

    @Test
    void aNewTermsVersionMustBeAcceptedAtTheNextSignIn() {
        Patient patient = enrollNewPatient("terms");
        String token = signIn(patient.username(), patient.password()).accessToken();
        String before = currentTermsVersion();
        assertThat(get("/api/me", token)
                        .body()
                        .path("terms")
                        .path("acceptanceRequired")
                        .asBoolean())
                .isFalse();

        String next = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Reply published = post(
                "/internal/staff/terms",
                privacyOfficerToken(),
                Map.of("version", next, "text", "Updated terms: not for emergencies."));
        assertThat(published.status()).isEqualTo(201);
        assertThat(currentTermsVersion()).isEqualTo(next);
        assertThat(post("/internal/staff/terms", privacyOfficerToken(), Map.of("version", next, "text", "again"))
                        .status())
                .isEqualTo(409);
        assertThat(post("/internal/staff/terms", token, Map.of("version", "x", "text", "y"))
                        .status())
                .isEqualTo(403);

        String newToken = signIn(patient.username(), patient.password()).accessToken();
        Reply me = get("/api/me", newToken);
        assertThat(me.body().path("terms").path("acceptanceRequired").asBoolean())
                .isTrue();
        assertThat(me.body().path("terms").path("acceptedVersion").asString()).isEqualTo(before);
        assertThat(me.body().path("terms").path("currentVersion").asString()).isEqualTo(next);

        Reply old = post("/api/me/terms-acceptance", newToken, Map.of("version", before));
        assertThat(old.status()).isEqualTo(409);
        assertThat(old.type()).endsWith("/terms-version-outdated");

        Reply accepted = post("/api/me/terms-acceptance", newToken, Map.of("version", next));
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.body().path("acceptanceRequired").asBoolean()).isFalse();
        assertThat(get("/api/me", newToken)
                        .body()
                        .path("terms")
                        .path("acceptedVersion")
                        .asString())
                .isEqualTo(next);
        assertThat(jdbc.queryForObject(
                        "select count(*) from terms_acceptance where user_id = ? and version = ? "
                                + "and client_ip is not null",
                        Integer.class,
                        patient.userId(),
                        next))
                .isEqualTo(1);
    }

    @Test
    void staffEndAPatientsAccessAndReturningNeedsANewCode() throws Exception {
        Patient patient = enrollNewPatient("term");
        BrowserSignIn.Tokens tokens = signIn(patient.username(), patient.password());

        Reply terminated = post(
                "/internal/staff/patients/" + patient.patientId() + "/access-termination",
                privacyOfficerToken(),
                Map.of("reason", "shared credentials"));
        assertThat(terminated.status()).as(String.valueOf(terminated.body())).isEqualTo(200);
        assertThat(terminated.body().path("userId").asString()).isEqualTo(patient.userId());

        AccessTerminated event = Envelopes.payload(
                        awaitEvent(
                                Topics.IDENTITY_EVENTS,
                                e -> Envelopes.payload(e, AccessTerminated.class)
                                        .map(t -> t.getUserId().equals(patient.userId()))
                                        .orElse(false)),
                        AccessTerminated.class)
                .orElseThrow();
        assertThat(event.getPatientId()).isEqualTo(patient.patientId());
        assertThat(event.getReason()).isEqualTo("shared credentials");

        assertThat(terminated.body().path("signInDisabled").asBoolean()).isTrue();
        assertThat(realmAdmin().users().get(patient.userId()).toRepresentation().isEnabled())
                .isFalse();
        // a token issued before stays valid until it expires, but identity-service refuses it at once
        Reply stillSignedIn = get("/api/me", tokens.accessToken());
        assertThat(stillSignedIn.status()).isEqualTo(403);
        assertThat(stillSignedIn.type()).endsWith("/access-terminated");
        assertThat(realmAdmin().users().get(patient.userId()).getUserSessions()).isEmpty();
        // the session is gone: the refresh token no longer works
        assertThat(refreshStatus(tokens.refreshToken())).isEqualTo(400);
        assertThat(attemptSignIn(patient.username(), patient.password()).succeeded())
                .isFalse();

        assertThat(post(
                                "/internal/staff/patients/" + patient.patientId() + "/access-termination",
                                privacyOfficerToken(),
                                Map.of("reason", "again"))
                        .status())
                .isEqualTo(404);

        // returning: a new code, a new user ID
        String username = uniqueUsername("back");
        Map<String, Object> returning = enrollment(
                issueCode(patient.patientId()), FakeRecordsService.BIRTH_DATE, username, "River-Stone-Maple-77");
        returning.put("email", patient.username() + "@example.org"); // the same personal e-mail as before
        Reply back = post("/api/enrollment", null, returning);
        assertThat(back.status()).as(String.valueOf(back.body())).isEqualTo(201);
        assertThat(get("/api/me", signIn(username, "River-Stone-Maple-77").accessToken())
                        .body()
                        .path("patientId")
                        .asString())
                .isEqualTo(patient.patientId());
    }

    @Test
    void terminationDisablesEveryKeycloakUserCarryingThePatientId() {
        Patient patient = enrollNewPatient("every");
        // a second user with the same patient id, made past enrollment (an administrator, a tool)
        String secondUsername = uniqueUsername("second");
        String secondPassword = "River-Stone-Maple-77";
        String secondUserId = KEYCLOAK.createPatientUser(
                secondUsername,
                secondPassword,
                secondUsername + "@example.org",
                patient.patientId(),
                "Second",
                "Login");
        BrowserSignIn.Tokens second = signIn(secondUsername, secondPassword);

        Reply terminated = post(
                "/internal/staff/patients/" + patient.patientId() + "/access-termination",
                privacyOfficerToken(),
                Map.of("reason", "account shared"));
        assertThat(terminated.status()).as(String.valueOf(terminated.body())).isEqualTo(200);
        assertThat(terminated.body().path("signInDisabled").asBoolean()).isTrue();

        for (String userId : List.of(patient.userId(), secondUserId)) {
            assertThat(realmAdmin().users().get(userId).toRepresentation().isEnabled())
                    .as(userId)
                    .isFalse();
            assertThat(realmAdmin().users().get(userId).getUserSessions())
                    .as(userId)
                    .isEmpty();
        }
        assertThat(attemptSignIn(secondUsername, secondPassword).succeeded()).isFalse();
        assertThat(refreshStatus(second.refreshToken())).isEqualTo(400);
        // the gateway is told to refuse the second user's tokens too
        AccessTerminated forSecond = Envelopes.payload(
                        awaitEvent(
                                Topics.IDENTITY_EVENTS,
                                e -> Envelopes.payload(e, AccessTerminated.class)
                                        .map(t -> t.getUserId().equals(secondUserId))
                                        .orElse(false)),
                        AccessTerminated.class)
                .orElseThrow();
        assertThat(forSecond.getPatientId()).isEqualTo(patient.patientId());
        assertThat(forSecond.getReason()).isEqualTo("account shared");
    }

    @Test
    void outstandingCodesAreRevokedWhenAccessEnds() {
        Patient patient = enrollNewPatient("codes");
        String spare = issueCode(patient.patientId());
        assertThat(post(
                                "/internal/staff/patients/" + patient.patientId() + "/access-termination",
                                privacyOfficerToken(),
                                Map.of("reason", "misuse"))
                        .status())
                .isEqualTo(200);
        Reply reuse = post(
                "/api/enrollment",
                null,
                enrollment(spare, FakeRecordsService.BIRTH_DATE, uniqueUsername("spare"), "River-Stone-Maple-77"));
        assertThat(reuse.type()).endsWith("/activation-code-revoked");
    }

    @Test
    void aPatientWithAnActiveAccountCannotEnrollTwice() {
        Patient patient = enrollNewPatient("twice");
        Reply second = post(
                "/api/enrollment",
                null,
                enrollment(
                        issueCode(patient.patientId()),
                        FakeRecordsService.BIRTH_DATE,
                        uniqueUsername("twice2"),
                        "River-Stone-Maple-77"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.type()).endsWith("/already-enrolled");
    }

    private static int refreshStatus(String refreshToken) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + "/protocol/openid-connect/token"))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "grant_type=refresh_token&client_id=portal-web"
                                                    + "&client_secret=" + KEYCLOAK.clientSecret("portal-web")
                                                    + "&refresh_token="
                                                    + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
