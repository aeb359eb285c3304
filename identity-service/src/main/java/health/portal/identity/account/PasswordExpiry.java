package health.portal.identity.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When Keycloak will make the patient choose a new password, and whether the portal should warn them now. Keycloak's
 * forceExpiredPasswordChange(180) adds the update-password action at the first sign-in after exactly 180 days
 * (milliseconds, not calendar days); the warning starts 14 days earlier so that the change is the patient's choice,
 * not a surprise at the login form.
 */
record PasswordExpiry(long ageDays, Instant expiresAt, long daysLeft, boolean changeDueSoon) {

    /** forceExpiredPasswordChange(180) of the realm's password policy. */
    static final Duration MAX_AGE = Duration.ofDays(180);

    static final Duration WARNING = Duration.ofDays(14);

    static PasswordExpiry of(Instant passwordSetAt, Clock clock) {
        Instant now = Instant.now(clock);
        Instant expiresAt = passwordSetAt.plus(MAX_AGE);
        long daysLeft =
                now.isBefore(expiresAt) ? Duration.between(now, expiresAt).toDays() : 0;
        return new PasswordExpiry(
                Duration.between(passwordSetAt, now).toDays(),
                expiresAt,
                daysLeft,
                !now.isBefore(expiresAt.minus(WARNING)));
    }
}
