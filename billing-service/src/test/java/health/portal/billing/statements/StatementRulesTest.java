package health.portal.billing.statements;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.billing.ledger.Posting;
import health.portal.billing.ledger.PostingKind;
import health.portal.billing.paperless.Delivery;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The rules of a statement: its period, due date, what it lists and how its PDF is drawn. */
class StatementRulesTest {

    @Test
    void thePeriodIsTheCalendarMonthAndTheDefaultIsTheLastMonthEndedInTheClinicsZone() {
        assertThat(StatementPeriod.monthOf(LocalDate.parse("2026-02-10")))
                .isEqualTo(new StatementPeriod(LocalDate.parse("2026-02-01"), LocalDate.parse("2026-02-28")));
        // 1 December 03:00 UTC is still 30 November in New York: the month ended is October
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC);
        assertThat(StatementPeriod.previousMonth(clock, ZoneId.of("America/New_York"))
                        .end())
                .isEqualTo(LocalDate.parse("2026-10-31"));
        assertThat(StatementPeriod.previousMonth(clock, ZoneOffset.UTC).end()).isEqualTo(LocalDate.parse("2026-11-30"));
    }

    @Test
    void theDueDateIsTheConfiguredTimeAfterThePeriodsEnd() {
        assertThat(StatementPeriod.monthOf(LocalDate.parse("2026-11-30")).dueDate(Period.ofDays(25)))
                .isEqualTo(LocalDate.parse("2026-12-25"));
    }

    @Test
    void aStatementListsThePostingsUpToThePeriodsEndAndCarriesThePreviousAmountDue() {
        StatementPeriod november = StatementPeriod.monthOf(LocalDate.parse("2026-11-30"));
        List<Posting> unstated = List.of(
                posting("late", PostingKind.CHARGE, 999, "2026-12-01"),
                posting("charge", PostingKind.CHARGE, 10_000, "2026-11-03"),
                posting("pay", PostingKind.PAYMENT, 2_500, "2026-11-20"),
                posting("old", PostingKind.DEBIT_ADJUSTMENT, 100, "2026-10-02"));

        StatementComposition composition = StatementComposition.of(4_000, unstated, november);

        assertThat(composition.lines()).extracting(Posting::externalId).containsExactly("old", "charge", "pay");
        assertThat(composition.previousBalanceMinor()).isEqualTo(4_000);
        assertThat(composition.amountDueMinor()).isEqualTo(4_000 + 100 + 10_000 - 2_500);
        assertThat(StatementComposition.of(0, List.of(), november).isEmpty()).isTrue();
        assertThat(StatementComposition.of(1, List.of(), november).isEmpty()).isFalse();
    }

    @Test
    void thePdfIsTheSameBytesEveryTimeAndSpansPages() throws Exception {
        List<StatementDocument.Row> rows = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            rows.add(new StatementDocument.Row(
                    LocalDate.parse("2026-11-01").plusDays(i % 28), "Visit " + i + " caf\u00e9 \u2603", 1_000));
        }
        Statement statement = new Statement(
                UUID.fromString("00000000-0000-0000-0000-000000000042"),
                "acct-1",
                "pat-1",
                LocalDate.parse("2026-11-01"),
                LocalDate.parse("2026-11-30"),
                0,
                45_000,
                "USD",
                LocalDate.parse("2026-12-25"),
                Instant.parse("2026-12-01T10:00:00.123456Z"),
                Delivery.PAPERLESS);
        StatementDocument document = new StatementDocument(
                statement,
                "Guarantor account",
                rows,
                Optional.of(new MailAddress("Sam Rivera", List.of("1 Main St"), "Boston", "MA", "02110", "US")));

        byte[] first = StatementPdf.render(document);
        Thread.sleep(1_100); // a time-based id or date would differ now
        byte[] second = StatementPdf.render(document);

        assertThat(second).isEqualTo(first);
        try (PDDocument pdf = Loader.loadPDF(first)) {
            assertThat(pdf.getNumberOfPages()).isEqualTo(2);
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Amount due: USD 450.00", "Visit 44 caf\u00e9 ?", "Page 2 of 2");
            assertThat(pdf.getDocumentInformation().getCreationDate().toInstant())
                    .isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        }
    }

    private static Posting posting(String id, PostingKind kind, long amount, String date) {
        LocalDate day = LocalDate.parse(date);
        return new Posting(UUID.randomUUID(), id, "acct-1", kind, amount, "USD", day, day, "ci-" + id);
    }
}
