package health.portal.billing.ledger;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * The open charges by days since their service date: 0-30 days current, then 31-60, 61-90, over 90. Payments and
 * credits pay off the oldest charges first; a credit left over after every charge is paid shows as a negative
 * current amount, so that the buckets always add up to the balance.
 */
public record Aging(long current, long days31To60, long days61To90, long over90) {

    public static Aging of(List<Posting> postings, LocalDate asOf) {
        long credits = postings.stream()
                .filter(p -> !p.kind().raisesBalance())
                .mapToLong(Posting::amountMinor)
                .sum();
        long[] buckets = new long[4];
        List<Posting> debits = postings.stream()
                .filter(p -> p.kind().raisesBalance())
                .sorted(Comparator.comparing(Posting::serviceDate).thenComparing(Posting::externalId))
                .toList();
        for (Posting debit : debits) {
            long paid = Math.min(credits, debit.amountMinor());
            credits -= paid;
            buckets[bucket(debit.serviceDate(), asOf)] += debit.amountMinor() - paid;
        }
        return new Aging(buckets[0] - credits, buckets[1], buckets[2], buckets[3]);
    }

    public long total() {
        return current + days31To60 + days61To90 + over90;
    }

    private static int bucket(LocalDate serviceDate, LocalDate asOf) {
        long days = ChronoUnit.DAYS.between(serviceDate, asOf);
        if (days <= 30) {
            return 0;
        }
        if (days <= 60) {
            return 1;
        }
        return days <= 90 ? 2 : 3;
    }
}
