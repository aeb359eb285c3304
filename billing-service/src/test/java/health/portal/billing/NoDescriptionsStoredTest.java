package health.portal.billing;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.StatementIssued;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a charge was for is health information: after a whole scenario (enrollment, charges from the EMR, postings,
 * statement runs, PDFs, the paper export) no text column of any billing table, no outbox row and no Kafka record
 * holds one of the EMR's descriptions.
 */
class NoDescriptionsStoredTest extends BillingTestBase {

    @Test
    void noBillingTableOrEventHoldsAServiceDescription() throws Exception {
        String canary = "Canary-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> descriptions =
                List.of("MRI lumbar spine " + canary, "Oncology consult " + canary, "HIV viral load " + canary);
        String paperPatient = newPatient();
        String paperlessPatient = newPatient();
        publishIdentityRecord(paperlessPatient, enrollmentRecord(paperlessPatient));
        setPaperless(paperPatient, false, "192.0.2.1");
        for (String patient : List.of(paperPatient, paperlessPatient)) {
            for (int i = 0; i < descriptions.size(); i++) {
                records.charge(patient, "ci-" + patient + "-" + i, descriptions.get(i), 10_000 + i, "2026-01-1" + i);
            }
            postPosting(
                    posting("PAY-" + patient, TestRecordsServer.accountOf(patient), "PAYMENT", "25.00", "2026-01-20"));
        }
        await(
                "the enrollment",
                () -> jdbc.queryForObject(
                                "select count(*) from paperless_preference where patient_id = ?",
                                Integer.class,
                                paperlessPatient)
                        == 1);
        runStatements("2026-01-31");
        for (String patient : List.of(paperPatient, paperlessPatient)) {
            UUID statement =
                    jdbc.queryForObject("select statement_id from statement where patient_id = ?", UUID.class, patient);
            Answer pdf = get("/api/billing/statements/" + statement + "/pdf", tokens.patient(patient));
            assertThat(pdf.status()).isEqualTo(200);
            assertThat(get("/internal/staff/billing/accounts/" + TestRecordsServer.accountOf(patient), billingOffice())
                            .status())
                    .isEqualTo(200);
        }
        for (String patient : List.of(paperPatient, paperlessPatient)) {
            String statement = jdbc.queryForObject(
                            "select statement_id from statement where patient_id = ?", UUID.class, patient)
                    .toString();
            await(
                    "its StatementIssued read back",
                    () -> !payloads(statement, StatementIssued.class).isEmpty());
        }
        assertThat(exportPaperMail().json().get("statements").asInt()).isPositive();
        await(
                "the outbox sent",
                () -> jdbc.queryForObject("select count(*) from outbox_event where sent_at is null", Integer.class)
                        == 0);

        List<String> found = new ArrayList<>();
        for (Map<String, Object> column : jdbc.queryForList("""
                select table_name, column_name, data_type from information_schema.columns
                where table_schema = 'public'
                  and data_type in ('character varying', 'text', 'character', 'bytea', 'json', 'jsonb')""")) {
            String table = (String) column.get("table_name");
            String name = (String) column.get("column_name");
            String condition = "bytea".equals(column.get("data_type"))
                    ? "position(convert_to(?, 'UTF8') in \"" + name + "\") > 0"
                    : "\"" + name + "\"::text ilike '%' || ? || '%'";
            Integer hits = jdbc.queryForObject(
                    "select count(*) from \"" + table + "\" where " + condition, Integer.class, canary);
            if (hits != null && hits > 0) {
                found.add(table + "." + name);
            }
        }
        assertThat(found).isEmpty();
        // no place for one either (Flyway's history describes migrations, not charges)
        assertThat(jdbc.queryForObject("""
                        select count(*) from information_schema.columns where table_schema = 'public'
                          and column_name ilike '%description%'
                          and table_name <> 'flyway_schema_history'""", Integer.class)).isZero();
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        assertThat(RAW_EVENTS).noneMatch(record -> contains(record, needle));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
