package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.TermsPublished;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The acceptance travels in the patient's token: identity-service sets the admin-only Keycloak attribute
 * {@code terms_version} at enrollment and at each acceptance, the realm maps it into access tokens, and the patient
 * cannot set it themselves. Each published version is a TermsPublished on the compacted topic.
 */
class TermsInTokenTest extends IdentityIntegrationTest {

    private static String termsClaim(String accessToken) throws Exception {
        return SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim("terms_version");
    }

    private static String attribute(String userId) {
        UserRepresentation user = realmAdmin().users().get(userId).toRepresentation();
        return user.firstAttribute("terms_version");
    }

    /** A refresh-token grant of portal-web, as the gateway does for a browser session. */
    private static String refreshed(String refreshToken) {
        HttpResponse<String> response = BrowserSignIn.refresh(
                KEYCLOAK.issuerUri(), "portal-web", KEYCLOAK.clientSecret("portal-web"), refreshToken);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder()
                .build()
                .readTree(response.body())
                .path("access_token")
                .asString();
    }

    @Test
    void anAcceptanceIsInTheNextTokenAndDataWaitsForIt() throws Exception {
        Patient patient = enrollNewPatient("terms-token");
        String enrolledVersion = currentTermsVersion();
        assertThat(attribute(patient.userId())).isEqualTo(enrolledVersion);
        BrowserSignIn.Tokens tokens = signIn(patient.username(), patient.password());
        assertThat(termsClaim(tokens.accessToken())).isEqualTo(enrolledVersion);
        assertThat(get("/api/me/access-log", tokens.accessToken()).status()).isEqualTo(200);

        String next = "tt-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(post(
                                "/internal/staff/terms",
                                privacyOfficerToken(),
                                Map.of("version", next, "text", "New terms: not for emergencies."))
                        .status())
                .isEqualTo(201);
        TermsPublished published = Envelopes.payload(
                        awaitEvent(
                                Topics.TERMS_CURRENT + "." + DB.name(),
                                e -> Envelopes.payload(e, TermsPublished.class)
                                        .filter(t -> t.getVersion().equals(next))
                                        .isPresent()),
                        TermsPublished.class)
                .orElseThrow();
        assertThat(published.getPublishedAt().getSeconds()).isPositive();

        // identity-service's own patient data waits for the acceptance too; what is needed to accept does not
        Reply refused = get("/api/me/access-log", tokens.accessToken());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.type()).endsWith("/terms-acceptance-required");
        assertThat(refused.body().path("currentVersion").asString()).isEqualTo(next);
        assertThat(refused.body().path("acceptAt").asString()).isEqualTo("/api/me/terms-acceptance");
        assertThat(refused.body().path("detail").asString()).contains(next);
        assertThat(get("/api/me", tokens.accessToken()).status()).isEqualTo(200);

        Reply accepted = post("/api/me/terms-acceptance", tokens.accessToken(), Map.of("version", next));
        assertThat(accepted.status()).as(String.valueOf(accepted.body())).isEqualTo(200);
        assertThat(attribute(patient.userId())).isEqualTo(next);
        assertThat(termsClaim(refreshed(tokens.refreshToken()))).isEqualTo(next);
        assertThat(get("/api/me/access-log", tokens.accessToken()).status()).isEqualTo(200);

        // accepting again (a retry) records no second acceptance
        assertThat(post("/api/me/terms-acceptance", tokens.accessToken(), Map.of("version", next))
                        .status())
                .isEqualTo(200);
        assertThat(jdbc.queryForObject(
                        "select count(*) from terms_acceptance where user_id = ? and version = ?",
                        Integer.class,
                        patient.userId(),
                        next))
                .isEqualTo(1);
    }

    @Test
    void aPatientCannotSetTheirAcceptedVersionThemselves() throws Exception {
        Patient patient = enrollNewPatient("terms-self");
        String version = attribute(patient.userId());
        assertThat(version).isNotBlank();
        // the account console's own client, with the rights Keycloak gives every user over their account
        String accountToken = BrowserSignIn.signIn(
                        KEYCLOAK,
                        "account-console",
                        null,
                        KEYCLOAK.issuerUri() + "/account/",
                        patient.username(),
                        patient.password())
                .accessToken();
        Reply own = send(
                HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + "/account"))
                        .header("Accept", "application/json")
                        .GET(),
                accountToken);
        assertThat(own.status()).as(String.valueOf(own.body())).isEqualTo(200);
        assertThat(own.body().path("attributes").has("terms_version"))
                .as("not even visible to the user")
                .isFalse();

        Map<String, Object> update = Map.of(
                "username", patient.username(),
                "email", patient.username() + "@example.org",
                "attributes", Map.of("terms_version", List.of("forged")));
        Reply changed = send(
                HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + "/account"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(update))),
                accountToken);
        assertThat(changed.status()).as(String.valueOf(changed.body())).isIn(204, 400, 403);
        assertThat(attribute(patient.userId())).isEqualTo(version);
        assertThat(termsClaim(signIn(patient.username(), patient.password()).accessToken()))
                .isEqualTo(version);
    }
}
