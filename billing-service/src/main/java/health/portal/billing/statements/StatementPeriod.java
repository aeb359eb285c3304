package health.portal.billing.statements;

import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.YearMonth;
import java.time.ZoneId;

/** A statement's period: a calendar month in the clinic's time zone, and the date its amount is due. */
public record StatementPeriod(LocalDate start, LocalDate end) {

    /** The month that ends on or contains {@code periodEnd}; a date inside a month means the whole month. */
    public static StatementPeriod monthOf(LocalDate periodEnd) {
        YearMonth month = YearMonth.from(periodEnd);
        return new StatementPeriod(month.atDay(1), month.atEndOfMonth());
    }

    /** The last month that has ended in the clinic's zone: the default of a run. */
    public static StatementPeriod previousMonth(Clock clock, ZoneId zone) {
        return monthOf(YearMonth.now(clock.withZone(zone)).minusMonths(1).atEndOfMonth());
    }

    public LocalDate dueDate(Period dueAfter) {
        return end.plus(dueAfter);
    }
}
