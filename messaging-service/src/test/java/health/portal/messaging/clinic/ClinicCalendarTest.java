package health.portal.messaging.clinic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

class ClinicCalendarTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private final ClinicCalendar calendar =
            new ClinicCalendar("America/New_York", List.of("2026-11-26", " 2026-12-25"));

    private static Instant at(String local, ZoneId zone) {
        return java.time.LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    private static ZonedDateTime local(Instant instant, ZoneId zone) {
        return instant.atZone(zone);
    }

    @Test
    void threeBusinessDaysWithinAWeek() {
        Instant due = calendar.dueBy(at("2026-12-01T10:15", NEW_YORK), "America/New_York"); // a Tuesday
        assertThat(local(due, NEW_YORK).toLocalDateTime()).hasToString("2026-12-04T10:15"); // Friday
    }

    @Test
    void skipsTheWeekend() {
        Instant due = calendar.dueBy(at("2026-12-03T16:00", NEW_YORK), ""); // Thursday, default zone
        assertThat(local(due, NEW_YORK).toLocalDateTime()).hasToString("2026-12-08T16:00"); // Tuesday
    }

    @Test
    void aMessageOfTheWeekendCountsFromMondayMorning() {
        Instant due = calendar.dueBy(at("2026-12-05T22:00", NEW_YORK), "America/New_York"); // Saturday night
        assertThat(local(due, NEW_YORK).toLocalDateTime())
                .hasToString("2026-12-10T00:00"); // end of Wednesday: Mon, Tue, Wed
    }

    @Test
    void skipsConfiguredHolidays() {
        // Wednesday before Thanksgiving (Thu 26 Nov, a configured holiday): Fri, Mon, Tue
        Instant due = calendar.dueBy(at("2026-11-25T09:00", NEW_YORK), "America/New_York");
        assertThat(local(due, NEW_YORK).toLocalDateTime()).hasToString("2026-12-01T09:00");
    }

    @Test
    void keepsTheClinicsWallClockAcrossDaylightSavingTime() {
        // Friday 30 Oct 2026; DST ends Sunday 1 Nov: due Wednesday at the same local time, 25 hours more UTC
        Instant sent = at("2026-10-30T11:00", NEW_YORK);
        Instant due = calendar.dueBy(sent, "America/New_York");
        assertThat(local(due, NEW_YORK).toLocalDateTime()).hasToString("2026-11-04T11:00");
        assertThat(java.time.Duration.between(sent, due).toHours()).isEqualTo(5 * 24 + 1);
    }

    @Test
    void countsInTheEmrsZoneWhenItNamesOne() {
        ZoneId honolulu = ZoneId.of("Pacific/Honolulu");
        // Friday 20:00 in Honolulu is already Saturday in New York: the clinic's own Friday counts
        Instant due = calendar.dueBy(at("2026-12-04T20:00", honolulu), "Pacific/Honolulu");
        assertThat(local(due, honolulu).toLocalDateTime()).hasToString("2026-12-09T20:00");
    }

    @Test
    void noHolidaysConfiguredMeansWeekendsOnly() {
        ClinicCalendar plain = new ClinicCalendar("America/New_York", List.of(""));
        Instant due = plain.dueBy(at("2026-11-25T09:00", NEW_YORK), "");
        assertThat(local(due, NEW_YORK).toLocalDateTime()).hasToString("2026-11-30T09:00");
    }

    @Test
    void anUnknownEmrZoneFallsBackToTheConfiguredOne() {
        assertThat(calendar.zone("Mars/Olympus")).isEqualTo(NEW_YORK);
        assertThat(calendar.zone(null)).isEqualTo(NEW_YORK);
    }
}
