package health.portal.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

class AgingTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-12-01");

    @Test
    void openChargesAreBucketedByDaysSinceTheirServiceDate() {
        Aging aging = Aging.of(
                List.of(
                        charge("a", 100, "2026-11-01"), // 30 days: current
                        charge("b", 200, "2026-10-31"), // 31 days
                        charge("c", 300, "2026-10-02"), // 60 days
                        charge("d", 400, "2026-10-01"), // 61 days
                        charge("e", 500, "2026-09-02"), // 90 days
                        charge("f", 600, "2026-09-01")), // 91 days
                TODAY);
        assertThat(aging).isEqualTo(new Aging(100, 500, 900, 600));
    }

    @Test
    void paymentsAndCreditsPayTheOldestChargesFirst() {
        Aging aging = Aging.of(
                List.of(
                        charge("old", 1_000, "2026-07-01"),
                        charge("new", 1_000, "2026-11-20"),
                        posting("pay", PostingKind.PAYMENT, 700, "2026-11-25"),
                        posting("credit", PostingKind.CREDIT_ADJUSTMENT, 400, "2026-11-26")),
                TODAY);
        assertThat(aging).isEqualTo(new Aging(900, 0, 0, 0));
        assertThat(aging.total()).isEqualTo(900);
    }

    @Test
    void aCreditBeyondEveryChargeShowsAsANegativeCurrentAmount() {
        Aging aging = Aging.of(
                List.of(charge("a", 500, "2026-01-01"), posting("pay", PostingKind.PAYMENT, 800, "2026-11-25")), TODAY);
        assertThat(aging).isEqualTo(new Aging(-300, 0, 0, 0));
    }

    @Test
    void debitAdjustmentsAgeLikeCharges() {
        Aging aging = Aging.of(List.of(posting("d", PostingKind.DEBIT_ADJUSTMENT, 250, "2026-08-01")), TODAY);
        assertThat(aging).isEqualTo(new Aging(0, 0, 0, 250));
    }

    static Posting charge(String id, long amount, String serviceDate) {
        return posting(id, PostingKind.CHARGE, amount, serviceDate);
    }

    static Posting posting(String id, PostingKind kind, long amount, String date) {
        LocalDate day = LocalDate.parse(date);
        return new Posting(UUID.randomUUID(), id, "acct-1", kind, amount, "USD", day, day, "ci-" + id);
    }
}
