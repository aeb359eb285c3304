package health.portal.billing.statements;

import health.portal.billing.paperless.Delivery;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** An issued statement: immutable, one per account and period. Amounts in minor units of {@code currency}. */
public record Statement(
        UUID statementId,
        String accountId,
        String patientId,
        LocalDate periodStart,
        LocalDate periodEnd,
        long previousBalanceMinor,
        long amountDueMinor,
        String currency,
        LocalDate dueDate,
        Instant issuedAt,
        Delivery delivery) {}
