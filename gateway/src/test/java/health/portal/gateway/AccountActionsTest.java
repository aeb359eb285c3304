package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.StaffUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The patient changes their own account from the portal: the gateway starts a sign-in that asks Keycloak for one of
 * its application-initiated actions, Keycloak shows its own page, and the browser comes back signed in.
 */
class AccountActionsTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern TOTP_SECRET = Pattern.compile("id=\"totpSecret\"[^>]*value=\"([^\"]+)\"");

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void aSignedInPatientChangesTheirPasswordFromThePortal() throws Exception {
        TestUser user = patient("change-password");
        PortalBrowser browser = portalBrowser();
        HttpResponse<String> afterLogin = browser.signIn(user.username(), user.password());
        assertThat(afterLogin.statusCode()).as(afterLogin.body()).isEqualTo(302);
        browser.follow(header(afterLogin, "Location"));
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

        HttpResponse<String> start = browser.get("/oauth2/authorization/keycloak?action=password");
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(header(start, "Location"))
                .startsWith(KEYCLOAK.issuerUri() + "/protocol/openid-connect/auth")
                .contains("kc_action=UPDATE_PASSWORD")
                .contains("code_challenge=");
        // the password first, though Keycloak knows the browser (prompt=login): then the new password
        HttpResponse<String> form = browser.confirmPassword(
                browser.followWithin(browser.follow(header(start, "Location")), KEYCLOAK.issuerUri()),
                user.username(),
                user.password(),
                KEYCLOAK.issuerUri());
        assertThat(form.statusCode())
                .as("%s %s", header(form, "Location"), form.body())
                .isEqualTo(200);
        assertThat(PortalBrowser.formId(form)).isEqualTo(BrowserSignIn.UPDATE_PASSWORD_FORM);

        String chosen = "Battery-Staple-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> back = browser.submit(
                form, Map.of("password-new", chosen, "password-confirm", chosen, "logout-sessions", "on"));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        assertThat(header(back, "Location"))
                .startsWith("https://localhost:" + port + "/login/oauth2/code/keycloak")
                .contains("kc_action_status=success");
        HttpResponse<String> landed = browser.follow(header(back, "Location"));
        assertThat(landed.statusCode()).isEqualTo(302);
        assertThat(header(landed, "Location")).isEqualTo("/");
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

        // the password really changed at Keycloak: the new one signs in, the old one no longer
        assertThat(signInAtKeycloak(user.username(), chosen).succeeded()).isTrue();
        assertThat(signInAtKeycloak(user.username(), user.password()).succeeded())
                .isFalse();
    }

    @Test
    void aPatientWhoSetsUpAnAuthenticatorAppNeedsItsCodeAtEverySignIn() {
        TestUser user = patient("totp");
        // a second factor is the patient's choice: without an app the password alone signs in
        assertThat(signInAtKeycloak(user.username(), user.password()).succeeded())
                .isTrue();

        PortalBrowser browser = portalBrowser();
        HttpResponse<String> afterLogin = browser.signIn(user.username(), user.password());
        browser.follow(header(afterLogin, "Location"));
        HttpResponse<String> start = browser.get("/oauth2/authorization/keycloak?action=totp");
        HttpResponse<String> setUp = browser.confirmPassword(
                browser.followWithin(browser.follow(header(start, "Location")), KEYCLOAK.issuerUri()),
                user.username(),
                user.password(),
                KEYCLOAK.issuerUri());
        assertThat(setUp.statusCode()).as(setUp.body()).isEqualTo(200);
        assertThat(setUp.body()).contains("id=\"kc-totp-settings-form\"");
        Matcher secret = TOTP_SECRET.matcher(setUp.body());
        assertThat(secret.find()).isTrue();
        // the patient's phone app, holding the secret the page shows (StaffUser's generator is such an app)
        StaffUser app = new StaffUser(user.userId(), user.username(), user.password(), secret.group(1));

        HttpResponse<String> back = browser.submit(
                setUp, Map.of("totp", app.oneTimeCode(), "totpSecret", secret.group(1), "userLabel", "phone"));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        assertThat(header(back, "Location"))
                .startsWith("https://localhost:" + port + "/login/oauth2/code/keycloak")
                .contains("kc_action_status=success");
        assertThat(header(browser.follow(header(back, "Location")), "Location")).isEqualTo("/");

        BrowserSignIn.Result passwordOnly = signInAtKeycloak(user.username(), user.password());
        assertThat(passwordOnly.succeeded()).isFalse();
        assertThat(passwordOnly.formId()).isEqualTo(BrowserSignIn.OTP_FORM);
        BrowserSignIn.Result withCode = BrowserSignIn.attempt(BrowserSignIn.Request.of(
                        KEYCLOAK.issuerUri(),
                        "portal-mobile",
                        null,
                        "http://127.0.0.1/callback",
                        user.username(),
                        user.password())
                .oneTimeCodes(app::oneTimeCode));
        assertThat(withCode.succeeded())
                .as("%s %s", withCode.formId(), withCode.message())
                .isTrue();
    }

    @Test
    void theOtherActionsAreAskedOfKeycloakByTheirNames() {
        PortalBrowser browser = portalBrowser();
        assertThat(header(browser.get("/oauth2/authorization/keycloak?action=totp"), "Location"))
                .contains("kc_action=CONFIGURE_TOTP");
        assertThat(header(browser.get("/oauth2/authorization/keycloak?action=passkey"), "Location"))
                .contains("kc_action=webauthn-register-passwordless");
        assertThat(header(browser.get("/oauth2/authorization/keycloak"), "Location"))
                .doesNotContain("kc_action");
    }

    @Test
    void anActionNotOnTheListIsRefusedWithAProblem() throws Exception {
        // kc_action names any required action of the realm; a crafted link must not start, say, delete_account
        HttpResponse<String> refused = portalBrowser().get("/oauth2/authorization/keycloak?action=delete_account");
        assertProblem(refused, 400);
        assertThat(JSON.readTree(refused.body()).path("type").asString()).endsWith("/unknown-account-action");
        assertProblem(portalBrowser().get("/oauth2/authorization/keycloak?action=UPDATE_PASSWORD"), 400);
    }

    private static BrowserSignIn.Result signInAtKeycloak(String username, String password) {
        return BrowserSignIn.attempt(
                KEYCLOAK.issuerUri(), "portal-mobile", null, "http://127.0.0.1/callback", username, password);
    }
}
