package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.smtp.SmtpServer;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;
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
    void keycloakMailsThroughTheSmtpServerItWasGivenAndOffersForgotPassword() {
        RealmRepresentation realm = realmAdmin().toRepresentation();
        assertThat(realm.isResetPasswordAllowed()).isTrue();
        // the realm file's placeholders, filled in at import with this test JVM's GreenMail
        assertThat(realm.getSmtpServer())
                .containsEntry("host", SmtpServer.shared().host())
                .containsEntry("port", Integer.toString(SmtpServer.shared().port()))
                .containsEntry("from", KeycloakServer.Smtp.FROM)
                .containsEntry("starttls", "false");
    }

    @Test
    void patientsChooseTheirOwnSecondFactorAndPasskeys() {
        RealmRepresentation realm = realmAdmin().toRepresentation();
        // the patients' flow asks for a one-time code only of those who set up an app (conditional OTP)
        assertThat(realm.getBrowserFlow()).isEqualTo("browser");
        List<AuthenticationExecutionInfoRepresentation> browser =
                realmAdmin().flows().getExecutions("browser");
        AuthenticationExecutionInfoRepresentation secondFactor = browser.stream()
                .filter(e -> "Browser - Conditional 2FA".equals(e.getDisplayName()))
                .findFirst()
                .orElseThrow();
        assertThat(secondFactor.getRequirement()).isEqualTo("CONDITIONAL");
        // the executions of that sub-flow: those after it in the flattened list, until the level falls back
        List<AuthenticationExecutionInfoRepresentation> inside =
                browser.subList(browser.indexOf(secondFactor) + 1, browser.size()).stream()
                        .takeWhile(e -> e.getLevel() > secondFactor.getLevel())
                        .toList();
        assertThat(inside)
                .anySatisfy(e -> {
                    assertThat(e.getProviderId()).isEqualTo("conditional-user-configured");
                    assertThat(e.getRequirement()).isEqualTo("REQUIRED");
                })
                .anySatisfy(e -> {
                    assertThat(e.getProviderId()).isEqualTo("auth-otp-form");
                    assertThat(e.getRequirement()).isIn("ALTERNATIVE", "REQUIRED");
                });
        // what the portal's account actions (gateway AccountActions) ask of Keycloak, and nothing destructive
        List<String> enabled = realmAdmin().flows().getRequiredActions().stream()
                .filter(RequiredActionProviderRepresentation::isEnabled)
                .map(RequiredActionProviderRepresentation::getAlias)
                .toList();
        assertThat(enabled).contains("UPDATE_PASSWORD", "CONFIGURE_TOTP", "webauthn-register-passwordless");
        assertThat(enabled).doesNotContain("delete_account");
        assertThat(realm.getWebAuthnPolicyPasswordlessPasskeysEnabled()).isTrue();
        assertThat(realm.getWebAuthnPolicyPasswordlessRequireResidentKey()).isEqualTo("Yes");
        // the seed's warning, where a passkey is set up
        assertThat(realmAdmin().localization().getRealmLocalizationTexts("en"))
                .containsKey("webauthn-registration-title")
                .hasEntrySatisfying(
                        "webauthn-registration-title",
                        text -> assertThat(text)
                                .contains("Anyone enrolled in Touch ID or the screen lock of this device can sign in"));
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
    void patientsGetNoOfflineTokensAndTheirRefreshTokensEndWithTheSession() {
        RealmRepresentation realm = realmAdmin().toRepresentation();
        // no client setting stretches a session past the realm's idle (15 min) and maximum (10 h) lifetimes
        assertThat(realm.getClientSessionIdleTimeout()).isZero();
        assertThat(realm.getClientSessionMaxLifespan()).isZero();
        // should an offline token ever be issued, it lives no longer than a session either
        assertThat(realm.getOfflineSessionIdleTimeout()).isLessThanOrEqualTo(realm.getSsoSessionIdleTimeout());
        assertThat(realm.getOfflineSessionMaxLifespanEnabled()).isTrue();
        assertThat(realm.getOfflineSessionMaxLifespan()).isLessThanOrEqualTo(realm.getSsoSessionMaxLifespan());
        for (String clientId : List.of("portal-mobile", "portal-web")) {
            ClientRepresentation client =
                    realmAdmin().clients().findByClientId(clientId).getFirst();
            var resource = realmAdmin().clients().get(client.getId());
            List<String> scopes = new java.util.ArrayList<>();
            resource.getDefaultClientScopes().forEach(scope -> scopes.add(scope.getName()));
            resource.getOptionalClientScopes().forEach(scope -> scopes.add(scope.getName()));
            assertThat(scopes).as(clientId).contains("basic", "roles").doesNotContain("offline_access");
            assertThat(client.getAttributes())
                    .as(clientId)
                    .doesNotContainKeys(
                            "client.session.idle.timeout",
                            "client.session.max.lifespan",
                            "client.offline.session.idle.timeout",
                            "client.offline.session.max.lifespan");
        }
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
