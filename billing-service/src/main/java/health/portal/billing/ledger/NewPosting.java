package health.portal.billing.ledger;

import java.time.LocalDate;

/** A posting as asked for, its amount already read into minor units ({@link health.portal.billing.money.Amounts}). */
public record NewPosting(
        String externalId,
        String accountId,
        PostingKind kind,
        long amountMinor,
        String currency,
        LocalDate postedOn,
        LocalDate serviceDate,
        String chargeItemId) {}
