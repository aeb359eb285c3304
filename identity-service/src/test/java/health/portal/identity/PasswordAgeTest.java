package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The 180-day password rule as a patient meets it: GET /api/me warns from 14 days before, and once the password is
 * older than that Keycloak does not finish the sign-in until a new one is chosen. The users are created with
 * passwords stored that long ago (a credential's creation date is what the realm's forceExpiredPasswordChange
 * reads).
 */
class PasswordAgeTest extends IdentityIntegrationTest {

    private record AgedUser(String userId, String username, String password, Instant passwordSetAt) {}

    private static AgedUser userWithPasswordSet(Duration ago) {
        String username = uniqueUsername("aging");
        String password = "Correct-Horse-" + UUID.randomUUID().toString().substring(0, 6);
        Instant setAt = Instant.now().minus(ago);
        String userId = KEYCLOAK.createPatientUser(
                username, password, username + "@example.org", uniquePatientId(), "Ada", "Aging", setAt);
        return new AgedUser(userId, username, password, setAt);
    }

    @Test
    void meWarnsOnlyWithin14DaysOfTheExpiry() {
        AgedUser dueSoon = userWithPasswordSet(Duration.ofDays(170));
        Reply me = get("/api/me", signIn(dueSoon.username(), dueSoon.password()).accessToken());
        assertThat(me.status()).as(String.valueOf(me.body())).isEqualTo(200);
        assertThat(me.body().path("passwordAgeDays").asLong()).isEqualTo(170);
        assertThat(me.body().path("passwordMaxAgeDays").asInt()).isEqualTo(180);
        assertThat(me.body().path("passwordDaysLeft").asLong()).isEqualTo(9);
        assertThat(me.body().path("passwordChangeDueSoon").asBoolean()).isTrue();
        assertThat(Instant.parse(me.body().path("passwordExpiresAt").asString()))
                .isEqualTo(Instant.ofEpochMilli(
                        dueSoon.passwordSetAt().plus(Duration.ofDays(180)).toEpochMilli()));

        AgedUser notYet = userWithPasswordSet(Duration.ofDays(150));
        Reply calm = get("/api/me", signIn(notYet.username(), notYet.password()).accessToken());
        assertThat(calm.body().path("passwordAgeDays").asLong()).isEqualTo(150);
        assertThat(calm.body().path("passwordDaysLeft").asLong()).isEqualTo(29);
        assertThat(calm.body().path("passwordChangeDueSoon").asBoolean()).isFalse();
    }

    @Test
    void anExpiredPasswordMustBeChangedBeforeTheSignInCompletes() {
        AgedUser expired = userWithPasswordSet(Duration.ofDays(181));

        BrowserSignIn.Result stopped = attemptSignIn(expired.username(), expired.password());
        assertThat(stopped.succeeded()).isFalse();
        assertThat(stopped.formId()).isEqualTo(BrowserSignIn.UPDATE_PASSWORD_FORM);
        assertThat(stopped.page()).contains("password-new");

        String chosen = "Battery-Staple-" + UUID.randomUUID().toString().substring(0, 6);
        BrowserSignIn.Result changed = BrowserSignIn.attempt(BrowserSignIn.Request.of(
                        KEYCLOAK.issuerUri(),
                        "portal-web",
                        KEYCLOAK.clientSecret("portal-web"),
                        REDIRECT,
                        expired.username(),
                        expired.password())
                .answering(
                        BrowserSignIn.UPDATE_PASSWORD_FORM,
                        page -> Map.of("password-new", chosen, "password-confirm", chosen)));
        assertThat(changed.succeeded())
                .as("%s %s", changed.formId(), changed.message())
                .isTrue();

        Reply me = get("/api/me", changed.tokens().accessToken());
        assertThat(me.body().path("passwordAgeDays").asLong()).isZero();
        assertThat(me.body().path("passwordChangeDueSoon").asBoolean()).isFalse();
        assertThat(me.body().path("passwordDaysLeft").asLong()).isEqualTo(179);

        // the new password signs in straight away; the expired one no longer does
        assertThat(attemptSignIn(expired.username(), chosen).succeeded()).isTrue();
        BrowserSignIn.Result old = attemptSignIn(expired.username(), expired.password());
        assertThat(old.succeeded()).isFalse();
        assertThat(old.formId()).isNotEqualTo(BrowserSignIn.UPDATE_PASSWORD_FORM);
    }
}
