package health.portal.billing.ledger;

/**
 * What a posting does to the account: a charge or a debit adjustment raises the balance the patient owes, a payment or
 * a credit adjustment lowers it. The other side of each posting goes to the ledger named here (double entry).
 */
public enum PostingKind {
    CHARGE(1, "REVENUE"),
    PAYMENT(-1, "CASH"),
    CREDIT_ADJUSTMENT(-1, "ADJUSTMENTS"),
    DEBIT_ADJUSTMENT(1, "ADJUSTMENTS");

    private final int sign;
    private final String counterLedger;

    PostingKind(int sign, String counterLedger) {
        this.sign = sign;
        this.counterLedger = counterLedger;
    }

    /** The posting's effect on the balance the patient owes, in minor units. */
    public long effect(long amountMinor) {
        return sign * amountMinor;
    }

    public boolean raisesBalance() {
        return sign > 0;
    }

    String counterLedger() {
        return counterLedger;
    }
}
