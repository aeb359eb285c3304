package health.portal.billing.statements;

import health.portal.billing.money.Money;
import health.portal.billing.paperless.Delivery;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** The Statement object of the API. */
public record StatementView(
        UUID statementId,
        String accountId,
        LocalDate periodStart,
        LocalDate periodEnd,
        Money previousBalance,
        Money amountDue,
        LocalDate dueDate,
        Instant issuedAt,
        Delivery delivery) {

    public static StatementView of(Statement s) {
        return new StatementView(
                s.statementId(),
                s.accountId(),
                s.periodStart(),
                s.periodEnd(),
                Money.of(s.previousBalanceMinor(), s.currency()),
                Money.of(s.amountDueMinor(), s.currency()),
                s.dueDate(),
                s.issuedAt(),
                s.delivery());
    }
}
