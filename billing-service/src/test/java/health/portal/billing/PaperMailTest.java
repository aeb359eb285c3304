package health.portal.billing;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.StatementDelivery;
import health.portal.proto.events.v1.StatementIssued;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Opting out sends later statements to the mail vendor's batch; opting back in stops that. */
class PaperMailTest extends BillingTestBase {

    @Test
    void optOutToPaperAndBackIn() throws Exception {
        String patient = newPatient();
        publishIdentityRecord(patient, enrollmentRecord(patient));
        await(
                "the enrollment",
                () -> get("/api/billing/paperless", tokens.patient(patient))
                        .json()
                        .get("changedBy")
                        .asString()
                        .equals("ENROLLMENT"));

        // out: recorded with who, when and from where, and in the patient's access log
        Answer out = setPaperless(patient, false, "203.0.113.24");
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.json().get("paperless").asBoolean()).isFalse();
        assertThat(out.json().get("changedBy").asString()).isEqualTo("PATIENT");
        Map<String, Object> change = jdbc.queryForMap(
                "select * from paperless_change where patient_id = ? and changed_by = 'PATIENT'", patient);
        assertThat(change.get("paperless")).isEqualTo(false);
        assertThat(change.get("actor_id")).isEqualTo("user-" + patient);
        assertThat(change.get("client_ip")).isEqualTo("203.0.113.24");
        assertThat(change.get("user_agent")).isEqualTo("BillingTest/1.0");
        assertThat(change.get("changed_at")).isNotNull();
        await(
                "the AuditEvent",
                () -> payloads(patient, AuditEvent.class).stream()
                        .anyMatch(a -> a.getAction().equals("billing.paperless.updated")));
        AuditEvent audit = payloads(patient, AuditEvent.class).stream()
                .filter(a -> a.getAction().equals("billing.paperless.updated"))
                .findFirst()
                .orElseThrow();
        assertThat(audit.getPatientId()).isEqualTo(patient);
        assertThat(audit.getActorId()).isEqualTo("user-" + patient);
        assertThat(audit.getClientIp()).isEqualTo("203.0.113.24");
        assertThat(audit.getDetail()).contains("paperless=false");

        // a statement issued now is MAIL and queued, by id only
        records.charge(patient, "ci-" + patient + "-1", "Colonoscopy", 80_000, "2026-02-11");
        runStatements("2026-02-28");
        UUID mailed = statementFor(patient, "2026-02-28");
        assertThat(jdbc.queryForObject("select delivery from statement where statement_id = ?", String.class, mailed))
                .isEqualTo("MAIL");
        assertThat(queued(patient)).containsExactly(mailed);
        await(
                "StatementIssued MAIL",
                () -> payloads(mailed.toString(), StatementIssued.class).stream()
                        .anyMatch(e -> e.getDelivery() == StatementDelivery.STATEMENT_DELIVERY_MAIL));

        // the export: one ZIP in the drop folder, manifest and PDF, the address from the EMR; the queue emptied
        Answer export = exportPaperMail();
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.json().get("statements").asInt()).isPositive();
        Path zip = DROP_FOLDER.resolve(export.json().get("file").asString());
        assertThat(zip).exists();
        Map<String, byte[]> entries = unzip(zip);
        String manifest = new String(entries.get("manifest.csv"), StandardCharsets.UTF_8);
        assertThat(manifest)
                .startsWith("statement_id,file,name,address_line_1,address_line_2,city,state,postal_code,country");
        assertThat(manifest)
                .contains(mailed + "," + mailed + ".pdf,Sam Rivera " + patient
                        + ",12 Elm Street,\"Apt 3, rear\",Springfield,MA,01101,US");
        try (PDDocument pdf = Loader.loadPDF(entries.get(mailed + ".pdf"))) {
            assertThat(new PDFTextStripper().getText(pdf)).contains("Amount due: USD 800.00", "Colonoscopy");
        }
        assertThat(entries.get(mailed + ".pdf"))
                .isEqualTo(get("/api/billing/statements/" + mailed + "/pdf", tokens.patient(patient))
                        .raw()
                        .body());
        assertThat(queued(patient)).isEmpty();
        try (Stream<Path> files = Files.list(DROP_FOLDER)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
        }

        // a second MAIL statement waits in the queue; opting back in takes it out, and later ones are paperless
        records.charge(patient, "ci-" + patient + "-2", "Colonoscopy follow-up", 10_000, "2026-03-02");
        runStatements("2026-03-31");
        assertThat(queued(patient)).containsExactly(statementFor(patient, "2026-03-31"));

        Answer in = setPaperless(patient, true, "203.0.113.25");
        assertThat(in.json().get("paperless").asBoolean()).isTrue();
        assertThat(queued(patient)).isEmpty();
        records.charge(patient, "ci-" + patient + "-3", "Office visit", 10_000, "2026-04-02");
        runStatements("2026-04-30");
        UUID paperless = statementFor(patient, "2026-04-30");
        assertThat(jdbc.queryForObject(
                        "select delivery from statement where statement_id = ?", String.class, paperless))
                .isEqualTo("PAPERLESS");
        assertThat(queued(patient)).isEmpty();
        assertThat(jdbc.queryForList(
                        "select paperless from paperless_change where patient_id = ? order by changed_at",
                        Boolean.class,
                        patient))
                .containsExactly(true, false, true);
    }

    @Test
    void aStatementWhoseAddressTheEmrDoesNotKnowStaysQueued() {
        String patient = newPatient();
        setPaperless(patient, false, null);
        records.withoutAddress.add(patient);
        records.charge(patient, "ci-" + patient, "Office visit", 1_000, "2026-02-11");
        runStatements("2026-02-28");

        exportPaperMail();

        assertThat(queued(patient)).hasSize(1);
        records.withoutAddress.remove(patient);
    }

    @Test
    void theEmrAwayAtExportTimeIsA503AndTheQueueIsKept() throws Exception {
        String patient = newPatient();
        setPaperless(patient, false, null);
        records.charge(patient, "ci-" + patient, "Office visit", 1_000, "2026-02-11");
        runStatements("2026-02-28");
        records.down.set(true);
        long zipsBefore;
        try (Stream<Path> files = Files.list(DROP_FOLDER)) {
            zipsBefore = files.count();
        }

        Answer export = exportPaperMail();

        assertThat(export.status()).isEqualTo(503);
        assertThat(export.json().get("type").asString())
                .isEqualTo("https://portal.health/problems/dependency-unavailable");
        assertThat(queued(patient)).hasSize(1);
        try (Stream<Path> files = Files.list(DROP_FOLDER)) {
            assertThat(files.count()).isEqualTo(zipsBefore);
        }
        records.down.set(false);
        assertThat(exportPaperMail().status()).isEqualTo(200);
        assertThat(queued(patient)).isEmpty();
    }

    @Test
    void invalidPreferenceUpdatesAreProblems() {
        String patient = newPatient();
        Answer missing = put("/api/billing/paperless", tokens.patient(patient), Map.of(), null);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("type").asString()).isEqualTo("https://portal.health/problems/validation");
        Answer wrongType =
                put("/api/billing/paperless", tokens.patient(patient), Map.of("paperless", "sometimes"), null);
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(put("/api/billing/paperless", tokens.patient(patient, "old-terms"), Map.of("paperless", false), null)
                        .status())
                .isEqualTo(403);
        assertThat(put("/api/billing/paperless", null, Map.of("paperless", false), null)
                        .status())
                .isEqualTo(401);
    }

    private UUID statementFor(String patient, String periodEnd) {
        return jdbc.queryForObject(
                "select statement_id from statement where patient_id = ? and period_end = ?::date",
                UUID.class,
                patient,
                periodEnd);
    }

    private List<UUID> queued(String patient) {
        return jdbc.queryForList(
                "select statement_id from paper_mail_item where patient_id = ? and status = 'QUEUED'",
                UUID.class,
                patient);
    }

    private static Map<String, byte[]> unzip(Path zip) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip);
                ZipInputStream entriesIn = new ZipInputStream(in)) {
            for (ZipEntry entry = entriesIn.getNextEntry(); entry != null; entry = entriesIn.getNextEntry()) {
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                entriesIn.transferTo(content);
                entries.put(entry.getName(), content.toByteArray());
            }
        }
        return entries;
    }
}
