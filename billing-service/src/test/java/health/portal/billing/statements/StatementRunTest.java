package health.portal.billing.statements;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.billing.BillingTestBase;
import health.portal.billing.TestRecordsServer;
import health.portal.proto.events.v1.StatementDelivery;
import health.portal.proto.events.v1.StatementIssued;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The statement run: one immutable statement per account and period, resumed after an EMR outage. */
class StatementRunTest extends BillingTestBase {

    @Autowired
    StatementRunner runner;

    @Test
    void oneStatementPerAccountAndPeriodEvenWhenRunTwiceOrConcurrently() throws Exception {
        String patient = enrolledPatient();
        String account = TestRecordsServer.accountOf(patient);
        records.charge(patient, "ci-" + patient + "-1", "Office visit", 15_000, "2026-08-03");
        records.charge(patient, "ci-" + patient + "-2", "Lab panel", 4_550, "2026-08-20");

        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<Answer>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> runStatements("2026-08-31")));
            }
            for (Future<Answer> run : runs) {
                assertThat(run.get().status()).isEqualTo(200);
            }
        }
        assertThat(runStatements("2026-08-31").status()).isEqualTo(200);

        List<Map<String, Object>> issued = statementsOf(account);
        assertThat(issued).hasSize(1);
        Map<String, Object> statement = issued.get(0);
        assertThat(statement.get("period_start").toString()).isEqualTo("2026-08-01");
        assertThat(statement.get("amount_due_minor")).isEqualTo(19_550L);
        assertThat(statement.get("previous_balance_minor")).isEqualTo(0L);
        assertThat(statement.get("due_date").toString()).isEqualTo("2026-09-25");
        assertThat(statement.get("delivery")).isEqualTo("PAPERLESS");
        assertThat(jdbc.queryForList(
                        "select external_id from posting where account_id = ? order by external_id",
                        String.class,
                        account))
                .containsExactly("emr:ChargeItem/ci-" + patient + "-1", "emr:ChargeItem/ci-" + patient + "-2");

        String statementId = statement.get("statement_id").toString();
        await(
                "StatementIssued on Kafka",
                () -> !payloads(statementId, StatementIssued.class).isEmpty());
        StatementIssued event = payloads(statementId, StatementIssued.class).get(0);
        assertThat(event.getPatientId()).isEqualTo(patient);
        assertThat(event.getAccountId()).isEqualTo(account);
        assertThat(event.getDelivery()).isEqualTo(StatementDelivery.STATEMENT_DELIVERY_PAPERLESS);
        assertThat(event.getPeriodEnd()).isEqualTo("2026-08-31");
        assertThat(payloads(statementId, StatementIssued.class)).hasSize(1);
    }

    @Test
    void theNextPeriodCarriesThePreviousAmountDueAndListsOnlyNewPostings() throws Exception {
        String patient = enrolledPatient();
        String account = TestRecordsServer.accountOf(patient);
        records.charge(patient, "ci-" + patient + "-a", "Office visit", 10_000, "2026-08-10");
        runStatements("2026-08-31");
        assertThat(postPosting(posting("PAY-" + patient, account, "PAYMENT", "40.00", "2026-09-05"))
                        .status())
                .isEqualTo(201);
        records.charge(patient, "ci-" + patient + "-b", "X-ray", 2_500, "2026-09-12");
        // posted after September's end: on October's statement, not September's
        postPosting(posting("PAY-LATE-" + patient, account, "PAYMENT", "1.00", "2026-10-02"));

        runStatements("2026-09-30");

        List<Map<String, Object>> issued = statementsOf(account);
        assertThat(issued).hasSize(2);
        Map<String, Object> september = issued.get(1);
        assertThat(september.get("period_end").toString()).isEqualTo("2026-09-30");
        assertThat(september.get("previous_balance_minor")).isEqualTo(10_000L);
        assertThat(september.get("amount_due_minor")).isEqualTo(10_000L - 4_000 + 2_500);
        assertThat(jdbc.queryForObject(
                        "select count(*) from statement_line where statement_id = ?::uuid",
                        Integer.class,
                        september.get("statement_id").toString()))
                .isEqualTo(2);
    }

    @Test
    void theEmrDownDuringARunLeavesItPendingAndTheNextPassResumesWithoutDuplicates() throws Exception {
        String reachable = enrolledPatient();
        String away = enrolledPatient();
        records.charge(reachable, "ci-" + reachable, "Office visit", 9_000, "2026-07-09");
        records.charge(away, "ci-" + away, "Office visit", 7_000, "2026-07-09");
        records.downFor.add(away);

        Answer run = runStatements("2026-07-31");
        assertThat(run.status()).isEqualTo(200);
        assertThat(run.json().get("status").asString()).isEqualTo("PENDING");
        assertThat(run.json().get("pending").asInt()).isPositive();
        assertThat(statementsOf(TestRecordsServer.accountOf(reachable))).hasSize(1);
        assertThat(statementsOf(TestRecordsServer.accountOf(away))).isEmpty();

        records.downFor.clear();
        runner.retryPending();

        assertThat(jdbc.queryForObject(
                        "select status from statement_run where run_id = ?::uuid",
                        String.class,
                        run.json().get("runId").asString()))
                .isEqualTo("COMPLETED");
        assertThat(statementsOf(TestRecordsServer.accountOf(away))).hasSize(1);
        assertThat(statementsOf(TestRecordsServer.accountOf(away)).get(0).get("amount_due_minor"))
                .isEqualTo(7_000L);
        Answer again = runStatements("2026-07-31");
        assertThat(again.json().get("status").asString()).isEqualTo("COMPLETED");
        assertThat(statementsOf(TestRecordsServer.accountOf(reachable))).hasSize(1);
        assertThat(statementsOf(TestRecordsServer.accountOf(away))).hasSize(1);
    }

    @Test
    void aPreferenceUpdateRacingTheRunGivesEachStatementThePreferenceCommittedBeforeIt() throws Exception {
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String patient = enrolledPatient();
            records.charge(patient, "ci-" + patient, "Office visit", 1_000 + i, "2026-06-15");
            summary(patient);
            patients.add(patient);
        }
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Future<Answer> run = pool.submit(() -> {
                start.await();
                return runStatements("2026-06-30");
            });
            List<Future<?>> togglers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int offset = t;
                togglers.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 4; round++) {
                        for (int i = offset; i < patients.size(); i += 3) {
                            setPaperless(patients.get(i), round % 2 == 1, "198.51.100.7");
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            assertThat(run.get().status()).isEqualTo(200);
            for (Future<?> toggler : togglers) {
                toggler.get();
            }
        }

        for (String patient : patients) {
            List<Map<String, Object>> issued = statementsOf(TestRecordsServer.accountOf(patient));
            assertThat(issued).hasSize(1);
            Timestamp issuedAt = (Timestamp) issued.get(0).get("issued_at");
            List<Boolean> before = jdbc.queryForList(
                    "select paperless from paperless_change where patient_id = ? and changed_at < ? order by changed_at desc, change_id desc limit 1",
                    Boolean.class,
                    patient,
                    issuedAt);
            String expected = before.isEmpty() || before.get(0) ? "PAPERLESS" : "MAIL";
            assertThat(issued.get(0).get("delivery")).as(patient).isEqualTo(expected);
            boolean paperlessNow = get("/api/billing/paperless", tokens.patient(patient))
                    .json()
                    .get("paperless")
                    .asBoolean();
            int queued = jdbc.queryForObject(
                    "select count(*) from paper_mail_item where patient_id = ? and status = 'QUEUED'",
                    Integer.class,
                    patient);
            // back on paperless, nothing of theirs waits for the mail; on paper, a MAIL statement does
            assertThat(queued).as(patient).isEqualTo(!paperlessNow && expected.equals("MAIL") ? 1 : 0);
        }
    }

    private String enrolledPatient() {
        String patient = newPatient();
        assertThat(setPaperless(patient, true, null).status()).isEqualTo(200);
        return patient;
    }

    private List<Map<String, Object>> statementsOf(String account) {
        return jdbc.queryForList("select * from statement where account_id = ? order by period_end", account);
    }
}
