package health.portal.billing;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.AuditEvent;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

/** The patient's statements as PDF: the same bytes every time, their own only. */
class StatementPdfTest extends BillingTestBase {

    @Test
    void thePdfParsesShowsTheAmountDueAndTheServicesAndIsTheSameBytesTwice() throws Exception {
        String patient = newPatient();
        setPaperless(patient, true, null);
        records.charge(patient, "ci-" + patient + "-mri", "MRI of the brain without contrast", 123_400, "2026-05-04");
        records.charge(patient, "ci-" + patient + "-onc", "Oncology follow-up visit", 25_045, "2026-05-19");
        runStatements("2026-05-31");
        String statementId = onlyStatementOf(patient);

        Answer first = get("/api/billing/statements/" + statementId + "/pdf", tokens.patient(patient));
        Answer second = get("/api/billing/statements/" + statementId + "/pdf", tokens.patient(patient));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.raw().headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(first.raw().headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"statement-2026-05-31.pdf\"");
        assertThat(first.raw().headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(second.raw().body()).isEqualTo(first.raw().body());
        try (PDDocument pdf = Loader.loadPDF(first.raw().body())) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Amount due: USD 1484.45");
            assertThat(text).contains("MRI of the brain without contrast", "Oncology follow-up visit");
            assertThat(text).contains("Sam Rivera " + patient, "Springfield, MA 01101");
            assertThat(text).contains("Due by 2026-06-25");
        }
    }

    @Test
    void thePatientListsTheirStatementsNewestFirstInTheSummary() {
        String patient = newPatient();
        setPaperless(patient, true, null);
        records.charge(patient, "ci-" + patient + "-1", "Office visit", 5_000, "2026-04-04");
        runStatements("2026-04-30");
        records.charge(patient, "ci-" + patient + "-2", "Office visit", 6_000, "2026-05-04");
        runStatements("2026-05-31");

        Answer summary = summary(patient);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.json().get("statements")).hasSize(2);
        assertThat(summary.json().get("statements").get(0).get("periodEnd").asString())
                .isEqualTo("2026-05-31");
        assertThat(summary.json()
                        .get("statements")
                        .get(0)
                        .get("previousBalance")
                        .get("amountMinor")
                        .asLong())
                .isEqualTo(5_000);
        assertThat(summary.json()
                        .get("statements")
                        .get(0)
                        .get("amountDue")
                        .get("amount")
                        .asString())
                .isEqualTo("110.00");
        assertThat(summary.json()
                        .get("accounts")
                        .get(0)
                        .get("balance")
                        .get("amountMinor")
                        .asLong())
                .isEqualTo(11_000);
        assertThat(summary.json()
                                .get("accounts")
                                .get(0)
                                .get("aging")
                                .get("over90")
                                .get("amountMinor")
                                .asLong()
                        + summary.json()
                                .get("accounts")
                                .get(0)
                                .get("aging")
                                .get("days61To90")
                                .get("amountMinor")
                                .asLong()
                        + summary.json()
                                .get("accounts")
                                .get(0)
                                .get("aging")
                                .get("days31To60")
                                .get("amountMinor")
                                .asLong()
                        + summary.json()
                                .get("accounts")
                                .get(0)
                                .get("aging")
                                .get("current")
                                .get("amountMinor")
                                .asLong())
                .isEqualTo(11_000);
        assertThat(summary.json().get("paperless").get("paperless").asBoolean()).isTrue();
        Answer account = get("/api/billing/accounts/" + TestRecordsServer.accountOf(patient), tokens.patient(patient));
        assertThat(account.status()).isEqualTo(200);
        assertThat(account.json().get("statements")).hasSize(2);
    }

    @Test
    void anotherPatientsStatementOrAccountIsNotFound() {
        String owner = newPatient();
        String other = newPatient();
        setPaperless(owner, true, null);
        records.charge(owner, "ci-" + owner, "Office visit", 5_000, "2026-03-04");
        runStatements("2026-03-31");
        String statementId = onlyStatementOf(owner);

        Answer stranger = get("/api/billing/statements/" + statementId + "/pdf", tokens.patient(other));
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.json().get("type").asString()).isEqualTo("https://portal.health/problems/not-found");
        assertThat(get("/api/billing/statements/" + UUID.randomUUID() + "/pdf", tokens.patient(other))
                        .status())
                .isEqualTo(404);
        assertThat(get("/api/billing/statements/not-a-uuid/pdf", tokens.patient(other))
                        .status())
                .isEqualTo(404);
        assertThat(get("/api/billing/accounts/" + TestRecordsServer.accountOf(owner), tokens.patient(other))
                        .status())
                .isEqualTo(404);
        assertThat(get("/api/billing/statements", tokens.patient(other)).json()).isEmpty();
    }

    @Test
    void theEmrAwayWhenAPdfIsAskedForIsA503Problem() {
        String patient = newPatient();
        setPaperless(patient, true, null);
        records.charge(patient, "ci-" + patient, "Office visit", 5_000, "2026-03-04");
        runStatements("2026-03-31");
        String statementId = onlyStatementOf(patient);
        records.down.set(true);

        Answer answer = get("/api/billing/statements/" + statementId + "/pdf", tokens.patient(patient));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("type").asString())
                .isEqualTo("https://portal.health/problems/dependency-unavailable");
    }

    @Test
    void staffOfTheBillingOfficeSeeTheAccountWithPostingsButNoDescriptions() throws Exception {
        String patient = newPatient();
        setPaperless(patient, true, null);
        records.charge(patient, "ci-" + patient, "Chemotherapy infusion", 5_000, "2026-03-04");
        runStatements("2026-03-31");
        String account = TestRecordsServer.accountOf(patient);

        Answer view = get("/internal/staff/billing/accounts/" + account, billingOffice());

        assertThat(view.status()).isEqualTo(200);
        assertThat(view.json().get("postings").get(0).get("chargeItemId").asString())
                .isEqualTo("ci-" + patient);
        assertThat(view.json().get("statements")).hasSize(1);
        assertThat(view.json().get("balance").get("amountMinor").asLong()).isEqualTo(5_000);
        assertThat(view.json().get("paperless").get("paperless").asBoolean()).isTrue();
        await(
                "the staff view in the patient's access log",
                () -> payloads(patient, AuditEvent.class).stream()
                        .anyMatch(a -> a.getAction().equals("billing.account.viewed")
                                && a.getActorName().equals("staff-user-1")));
        assertThat(view.body()).doesNotContain("Chemotherapy");
        assertThat(get(
                                "/internal/staff/billing/accounts/" + account,
                                tokens.staff(List.of("billing-office"), List.of("pwd")))
                        .status())
                .isEqualTo(403);
        assertThat(get("/internal/staff/billing/accounts/" + account, tokens.staff())
                        .status())
                .isEqualTo(403);
        assertThat(get("/internal/staff/billing/accounts/" + account, tokens.patient(patient))
                        .status())
                .isEqualTo(403);
    }

    private String onlyStatementOf(String patient) {
        return jdbc.queryForObject("select statement_id from statement where patient_id = ?", UUID.class, patient)
                .toString();
    }
}
