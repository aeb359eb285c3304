package health.portal.billing.ledger;

import health.portal.billing.money.Money;

import java.time.LocalDate;
import java.util.UUID;

/** A posting as the billing system and staff see it: ids, kind, amount and dates, never what a charge was for. */
public record PostingView(
        UUID postingId,
        String externalId,
        String accountId,
        PostingKind kind,
        Money amount,
        LocalDate postedOn,
        String chargeItemId) {

    public static PostingView of(Posting p) {
        return new PostingView(
                p.postingId(),
                p.externalId(),
                p.accountId(),
                p.kind(),
                Money.of(p.amountMinor(), p.currency()),
                p.postedOn(),
                p.chargeItemId());
    }
}
