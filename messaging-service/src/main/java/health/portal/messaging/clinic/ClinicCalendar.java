package health.portal.messaging.clinic;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * The response clock: an answer is due three business days after the message, counted in the clinic's time zone
 * (the EMR's, else the configured one), Saturdays, Sundays and the configured holidays not counting ({@link #dueBy}).
 */
@Component
public class ClinicCalendar {

    static final int BUSINESS_DAYS = 3;

    private final ZoneId defaultZone;
    private final Set<LocalDate> holidays;

    @Autowired
    ClinicCalendar(
            @Value("${portal.messaging.clinic.time-zone:America/New_York}") String timeZone,
            @Value("${portal.messaging.clinic.holidays:}") List<String> holidays) {
        this(
                ZoneId.of(timeZone),
                holidays.stream()
                        .map(String::trim)
                        .filter(day -> !day.isEmpty())
                        .map(LocalDate::parse)
                        .collect(java.util.stream.Collectors.toSet()));
    }

    ClinicCalendar(ZoneId defaultZone, Set<LocalDate> holidays) {
        this.defaultZone = defaultZone;
        this.holidays = Set.copyOf(holidays);
    }

    /** The clinic's zone: the EMR's when it names a valid one, else the configured default. */
    public ZoneId zone(String emrTimeZone) {
        if (emrTimeZone == null || emrTimeZone.isBlank()) {
            return defaultZone;
        }
        try {
            return ZoneId.of(emrTimeZone);
        } catch (DateTimeException e) {
            return defaultZone;
        }
    }

    /**
     * Three business days after {@code sentAt}: the same local time on the third business day after the day it was
     * sent. A message sent on a day off counts as sent at the start of the next business day (Saturday's message is
     * due at the end of Wednesday). Local time, so that a DST change in between moves nothing on the clinic's clock.
     */
    public Instant dueBy(Instant sentAt, String emrTimeZone) {
        ZoneId zone = zone(emrTimeZone);
        ZonedDateTime sent = sentAt.atZone(zone);
        LocalDate day = sent.toLocalDate();
        LocalTime time = sent.toLocalTime();
        if (!isBusinessDay(day)) {
            while (!isBusinessDay(day)) {
                day = day.plusDays(1);
            }
            time = LocalTime.MIDNIGHT;
        }
        for (int counted = 0; counted < BUSINESS_DAYS; ) {
            day = day.plusDays(1);
            if (isBusinessDay(day)) {
                counted++;
            }
        }
        return ZonedDateTime.of(day, time, zone).toInstant();
    }

    public boolean isBusinessDay(LocalDate day) {
        DayOfWeek weekday = day.getDayOfWeek();
        return weekday != DayOfWeek.SATURDAY && weekday != DayOfWeek.SUNDAY && !holidays.contains(day);
    }
}
