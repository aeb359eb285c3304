package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import health.portal.infra.keycloak.BrowserSignIn;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The mobile app's sessions at the real Keycloak (public client portal-mobile, authorization code + PKCE): no offline
 * tokens, refresh tokens that die with the Keycloak session (idle and maximum lifetimes of the realm), and sign-out
 * that ends the signed-out device's session only.
 */
class MobileSessionTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String CLIENT = "portal-mobile";

    private static final String REDIRECT = "http://127.0.0.1/callback";

    @Test
    void aPatientCannotGetAnOfflineToken() throws Exception {
        TestUser user = patient("mobile-offline");
        BrowserSignIn.Result asked = BrowserSignIn.attempt(
                BrowserSignIn.Request.of(KEYCLOAK.issuerUri(), CLIENT, null, REDIRECT, user.username(), user.password())
                        .scope("openid offline_access"));
        // Keycloak refuses the scope outright: portal-mobile does not offer it
        assertThat(asked.succeeded()).isFalse();
        assertThat(asked.message()).contains("error=invalid_scope");
        // the ordinary sign-in still works and its refresh token is an ordinary, session-bound one
        BrowserSignIn.Tokens tokens = signIn(user);
        JWTClaimsSet refresh = claims(tokens.refreshToken());
        assertThat(refresh.getStringClaim("typ")).isEqualTo("Refresh");
        assertThat(claims(tokens.accessToken()).getStringClaim("scope")).doesNotContain("offline_access");
    }

    @Test
    void aRefreshTokenLivesNoLongerThanTheSessionsIdleTimeout() throws Exception {
        BrowserSignIn.Tokens tokens = signIn(patient("mobile-lifetime"));
        JWTClaimsSet refresh = claims(tokens.refreshToken());
        long lifetime =
                (refresh.getExpirationTime().getTime() - refresh.getIssueTime().getTime()) / 1000;
        // the realm's SSO session idle timeout, 15 minutes: no client or offline setting stretches it
        assertThat(lifetime).isEqualTo(900);
    }

    @Test
    void refreshFailsOnceTheKeycloakSessionHasBeenIdleTooLong() throws Exception {
        KeycloakAdmin.setRealmAttribute(KEYCLOAK, "ssoSessionIdleTimeout", 4);
        try {
            BrowserSignIn.Tokens tokens = signIn(patient("mobile-idle"));
            HttpResponse<String> fresh = refresh(tokens.refreshToken());
            assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
            Thread.sleep(Duration.ofSeconds(6));
            HttpResponse<String> late =
                    refresh(JSON.readTree(fresh.body()).path("refresh_token").asString());
            assertThat(late.statusCode()).isEqualTo(400);
            assertThat(late.body()).contains("invalid_grant");
        } finally {
            KeycloakAdmin.setRealmAttribute(KEYCLOAK, "ssoSessionIdleTimeout", 900);
        }
    }

    @Test
    void refreshFailsOnceTheKeycloakSessionReachesItsMaximumLifetimeEvenWhenBusy() throws Exception {
        KeycloakAdmin.setRealmAttribute(KEYCLOAK, "ssoSessionMaxLifespan", 6);
        try {
            BrowserSignIn.Tokens tokens = signIn(patient("mobile-max"));
            String refreshToken = tokens.refreshToken();
            long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            HttpResponse<String> last = null;
            int refreshed = 0;
            while (System.nanoTime() < end) {
                last = refresh(refreshToken);
                if (last.statusCode() != 200) {
                    break;
                }
                refreshed++;
                refreshToken = JSON.readTree(last.body()).path("refresh_token").asString();
                Thread.sleep(Duration.ofSeconds(1));
            }
            assertThat(refreshed).as("refreshed while the session lived").isGreaterThan(0);
            assertThat(last.statusCode()).as(last.body()).isEqualTo(400);
            assertThat(last.body()).contains("invalid_grant");
        } finally {
            KeycloakAdmin.setRealmAttribute(KEYCLOAK, "ssoSessionMaxLifespan", 36_000);
        }
    }

    @Test
    void signingOutOneDeviceEndsThatDevicesSessionOnly() throws Exception {
        TestUser user = patient("mobile-two-devices");
        BrowserSignIn.Tokens phone = signIn(user);
        BrowserSignIn.Tokens tablet = signIn(user);
        assertThat(claims(phone.accessToken()).getStringClaim("sid"))
                .isNotEqualTo(claims(tablet.accessToken()).getStringClaim("sid"));

        // what the app does at "Sign out": Keycloak's logout endpoint with its own refresh token
        HttpResponse<String> logout =
                post("logout", Map.of("client_id", CLIENT, "refresh_token", phone.refreshToken()));
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);

        HttpResponse<String> phoneRefresh = refresh(phone.refreshToken());
        assertThat(phoneRefresh.statusCode()).isEqualTo(400);
        assertThat(phoneRefresh.body()).contains("invalid_grant");
        HttpResponse<String> tabletRefresh = refresh(tablet.refreshToken());
        assertThat(tabletRefresh.statusCode()).as(tabletRefresh.body()).isEqualTo(200);
        // and the tablet's fresh token still opens the portal's API
        String tabletAccess =
                JSON.readTree(tabletRefresh.body()).path("access_token").asString();
        assertThat(get("/api/me", tabletAccess).statusCode()).isEqualTo(200);
    }

    private static BrowserSignIn.Tokens signIn(TestUser user) {
        return BrowserSignIn.signIn(KEYCLOAK, CLIENT, null, REDIRECT, user.username(), user.password());
    }

    private static HttpResponse<String> refresh(String refreshToken) {
        return BrowserSignIn.refresh(KEYCLOAK.issuerUri(), CLIENT, null, refreshToken);
    }

    private static HttpResponse<String> post(String endpoint, Map<String, String> form) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(KEYCLOAK.issuerUri() + "/protocol/openid-connect/" + endpoint))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(BrowserSignIn.form(form)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static JWTClaimsSet claims(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }
}
