package health.portal.billing.statements;

import health.portal.billing.ledger.Posting;

import java.util.Comparator;
import java.util.List;

/**
 * What a statement lists: the postings not on an earlier statement that were posted on or before the period's end.
 * Its previous balance is the last statement's amount due, and its amount due that plus their effects.
 */
record StatementComposition(long previousBalanceMinor, List<Posting> lines, long amountDueMinor) {

    static StatementComposition of(long previousBalanceMinor, List<Posting> unstated, StatementPeriod period) {
        List<Posting> lines = unstated.stream()
                .filter(p -> !p.postedOn().isAfter(period.end()))
                .sorted(Comparator.comparing(Posting::postedOn).thenComparing(Posting::externalId))
                .toList();
        long amountDue =
                previousBalanceMinor + lines.stream().mapToLong(Posting::effect).sum();
        return new StatementComposition(previousBalanceMinor, lines, amountDue);
    }

    /** Nothing happened and nothing is owed: no statement. */
    boolean isEmpty() {
        return lines.isEmpty() && previousBalanceMinor == 0;
    }
}
