package health.portal.billing.ledger;

import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;

/**
 * One posting of the billing system (or one charge imported from the EMR): an amount in minor units, never a
 * description. {@code serviceDate} is when the service was given (the aging counts from it); for postings other than
 * EMR charges it is the posting date.
 */
public record Posting(
        UUID postingId,
        String externalId,
        String accountId,
        PostingKind kind,
        long amountMinor,
        String currency,
        LocalDate postedOn,
        LocalDate serviceDate,
        String chargeItemId) {

    /** The posting's effect on the balance, signed. */
    public long effect() {
        return kind.effect(amountMinor);
    }

    /** Whether {@code request} asks for this same posting again (a replay) rather than a different one. */
    boolean sameAs(NewPosting request) {
        return accountId.equals(request.accountId())
                && kind == request.kind()
                && amountMinor == request.amountMinor()
                && currency.equals(request.currency())
                && postedOn.equals(request.postedOn())
                && Objects.equals(blankToNull(chargeItemId), blankToNull(request.chargeItemId()));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
