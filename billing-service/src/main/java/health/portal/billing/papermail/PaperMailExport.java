package health.portal.billing.papermail;

import health.portal.billing.statements.PrintedStatement;
import health.portal.billing.statements.Statement;
import health.portal.billing.statements.StatementDocuments;
import health.portal.billing.statements.Statements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the queued paper statements to the mail vendor's drop folder as one ZIP per batch: a manifest with each
 * statement's address and its PDF, both drawn from the EMR now, in memory, and written atomically (a temporary file,
 * then a rename) so that the vendor never picks up half a batch. Nothing of it is kept in billing's database but
 * the statement ids, the batch id and the file name.
 */
@Component
class PaperMailExport {

    private static final Logger log = LoggerFactory.getLogger(PaperMailExport.class);

    record Batch(UUID batchId, int statements, String file) {}

    private final PaperMailQueue queue;
    private final Statements statements;
    private final StatementDocuments documents;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Path dropFolder;
    private final int batchSize;

    PaperMailExport(
            PaperMailQueue queue,
            Statements statements,
            StatementDocuments documents,
            JdbcTemplate jdbc,
            Clock clock,
            @Value("${billing.paper-mail.drop-folder}") Path dropFolder,
            @Value("${billing.paper-mail.batch-size:500}") int batchSize) {
        this.queue = queue;
        this.statements = statements;
        this.documents = documents;
        this.jdbc = jdbc;
        this.clock = clock;
        this.dropFolder = dropFolder;
        this.batchSize = batchSize;
    }

    @Scheduled(cron = "${billing.paper-mail.cron:0 0 7 * * *}", zone = "${billing.clinic.time-zone:America/New_York}")
    void scheduled() {
        Batch batch = export();
        log.info("paper mail export: {} statements in {}", batch.statements(), batch.file());
    }

    /** One batch of the queue; a statement whose address the EMR does not know stays queued. */
    @Transactional
    public Batch export() {
        List<UUID> claimed = queue.claim(batchSize);
        List<PrintedStatement> printed = printable(claimed);
        if (printed.isEmpty()) {
            return new Batch(null, 0, null);
        }
        UUID batchId = UUID.randomUUID();
        String file = "statements-" + batchId + ".zip";
        writeAtomically(dropFolder.resolve(file), printed);
        queue.exported(printed.stream().map(p -> p.statement().statementId()).toList(), batchId);
        jdbc.update(
                "insert into paper_mail_batch (batch_id, file_name, statements, written_at) values (?, ?, ?, ?)",
                batchId,
                file,
                printed.size(),
                Timestamp.from(clock.instant()));
        return new Batch(batchId, printed.size(), file);
    }

    private List<PrintedStatement> printable(List<UUID> statementIds) {
        List<PrintedStatement> printed = new ArrayList<>();
        for (UUID id : statementIds) {
            Optional<Statement> statement = statements.find(id);
            if (statement.isEmpty()) {
                continue;
            }
            PrintedStatement one = documents.print(statement.get());
            if (one.address().isEmpty()) {
                log.warn("statement {} stays queued: the EMR has no mailing address for its patient", id);
                continue;
            }
            printed.add(one);
        }
        return printed;
    }

    private void writeAtomically(Path target, List<PrintedStatement> printed) {
        try {
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), ".statements-", ".part");
            Manifest manifest = new Manifest();
            for (PrintedStatement p : printed) {
                String id = p.statement().statementId().toString();
                manifest.add(id, id + ".pdf", p.address().orElseThrow());
            }
            try (OutputStream out = Files.newOutputStream(temporary);
                    ZipOutputStream zip = new ZipOutputStream(out)) {
                // the manifest first: a vendor reading the archive as a stream knows what follows
                entry(zip, "manifest.csv", manifest.text().getBytes(StandardCharsets.UTF_8));
                for (PrintedStatement p : printed) {
                    entry(zip, p.statement().statementId() + ".pdf", p.pdf());
                }
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("the paper mail batch could not be written", e);
        }
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
