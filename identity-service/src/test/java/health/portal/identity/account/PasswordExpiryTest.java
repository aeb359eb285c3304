package health.portal.identity.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** The expiry warning of GET /api/me against a fixed clock, around the 14-day and 180-day boundaries. */
class PasswordExpiryTest {

    private static final Instant SET_AT = Instant.parse("2026-01-10T08:30:00Z");

    private static PasswordExpiry after(Duration elapsed) {
        return PasswordExpiry.of(SET_AT, Clock.fixed(SET_AT.plus(elapsed), ZoneOffset.UTC));
    }

    @Test
    void aNewPasswordExpiresIn180DaysWithoutAWarning() {
        PasswordExpiry fresh = after(Duration.ZERO);
        assertThat(fresh.expiresAt()).isEqualTo(Instant.parse("2026-07-09T08:30:00Z"));
        assertThat(fresh.ageDays()).isZero();
        assertThat(fresh.daysLeft()).isEqualTo(180);
        assertThat(fresh.changeDueSoon()).isFalse();
    }

    @Test
    void theWarningStartsExactly14DaysBeforeExpiry() {
        PasswordExpiry justBefore = after(Duration.ofDays(166).minusSeconds(1));
        assertThat(justBefore.changeDueSoon()).isFalse();
        assertThat(justBefore.daysLeft()).isEqualTo(14);

        PasswordExpiry atStart = after(Duration.ofDays(166));
        assertThat(atStart.changeDueSoon()).isTrue();
        assertThat(atStart.daysLeft()).isEqualTo(14);
        assertThat(atStart.ageDays()).isEqualTo(166);

        PasswordExpiry lastDay = after(Duration.ofDays(179).plusHours(23));
        assertThat(lastDay.changeDueSoon()).isTrue();
        assertThat(lastDay.daysLeft()).isZero();
    }

    @Test
    void anExpiredPasswordStaysDueWithNoDaysLeft() {
        PasswordExpiry expired = after(Duration.ofDays(200));
        assertThat(expired.changeDueSoon()).isTrue();
        assertThat(expired.daysLeft()).isZero();
        assertThat(expired.ageDays()).isEqualTo(200);
        assertThat(expired.expiresAt()).isEqualTo(SET_AT.plus(Duration.ofDays(180)));
    }
}
