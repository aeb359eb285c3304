package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The realm as Keycloak imported it from deploy/keycloak/portal-realm.json. */
class RealmFileTest extends IdentityIntegrationTest {

    @Test
    void securityPoliciesOfTheRealm() {
        RealmRepresentation realm = realmAdmin().toRepresentation();
        assertThat(realm.getPasswordPolicy())
                .contains(
                        "length(12)",
                        "notUsername",
                        "notEmail",
                        "passwordHistory(5)",
                        "forceExpiredPasswordChange(180)");
        assertThat(realm.isBruteForceProtected()).isTrue();
        assertThat(realm.getFailureFactor()).isEqualTo(5);
        assertThat(realm.isPermanentLockout()).isFalse();
        assertThat(realm.getSsoSessionIdleTimeout()).isEqualTo(900);
        assertThat(realm.getSsoSessionMaxLifespan()).isEqualTo(36_000);
        assertThat(realm.getAccessTokenLifespan()).isLessThanOrEqualTo(300);
        assertThat(realm.isEventsEnabled()).isTrue();
        assertThat(realm.isAdminEventsEnabled()).isTrue();
        assertThat(realm.getWebAuthnPolicyPasswordlessUserVerificationRequirement())
                .isEqualTo("required");
    }

    @Test
    void theMobileClientIsPublicAndMustUsePkce() throws Exception {
        ClientRepresentation mobile =
                realmAdmin().clients().findByClientId("portal-mobile").getFirst();
        assertThat(mobile.isPublicClient()).isTrue();
        assertThat(mobile.getAttributes()).containsEntry("pkce.code.challenge.method", "S256");
        // without a code challenge Keycloak refuses to start the sign-in
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri()
                                        + "/protocol/openid-connect/auth?client_id=portal-mobile&response_type=code"
                                        + "&scope=openid&redirect_uri=health.portal.mobile:/oauth2/callback&state=s"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Location").orElse(response.body()))
                .contains("error=invalid_request");
    }

    @Test
    void identityServiceHoldsOnlyTheAdminRolesItNeeds() {
        ClientRepresentation client =
                realmAdmin().clients().findByClientId("identity-service").getFirst();
        String serviceAccount = realmAdmin()
                .clients()
                .get(client.getId())
                .getServiceAccountUser()
                .getId();
        ClientRepresentation realmManagement =
                realmAdmin().clients().findByClientId("realm-management").getFirst();
        List<String> roles =
                realmAdmin()
                        .users()
                        .get(serviceAccount)
                        .roles()
                        .clientLevel(realmManagement.getId())
                        .listEffective()
                        .stream()
                        .map(RoleRepresentation::getName)
                        .toList();
        assertThat(roles)
                .containsExactlyInAnyOrder("manage-users", "view-users", "query-users", "query-groups", "view-events");
    }
}
