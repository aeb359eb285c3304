package health.portal.billing.papermail;

import health.portal.billing.paperless.Delivery;
import health.portal.billing.paperless.PaperlessChanged;
import health.portal.billing.statements.IssuedStatement;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * MAIL statements waiting for the vendor's next batch, by id only. Both listeners run in the transaction that
 * issued the statement or changed the preference, so the queue never disagrees with either.
 */
@Component
class PaperMailQueue {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    PaperMailQueue(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventListener
    void on(IssuedStatement issued) {
        if (issued.delivery() == Delivery.MAIL) {
            jdbc.update(
                    "insert into paper_mail_item (statement_id, patient_id, status, queued_at) values (?, ?, 'QUEUED', ?)",
                    issued.statementId(),
                    issued.patientId(),
                    Timestamp.from(clock.instant()));
        }
    }

    /** Back on paperless: the statements not yet sent to the vendor are not mailed. */
    @EventListener
    void on(PaperlessChanged changed) {
        if (changed.delivery() == Delivery.PAPERLESS) {
            jdbc.update("delete from paper_mail_item where patient_id = ? and status = 'QUEUED'", changed.patientId());
        }
    }

    /** Queued statements, taken by this transaction only (an export running at the same time skips them). */
    List<UUID> claim(int max) {
        return jdbc.queryForList("""
                select statement_id from paper_mail_item where status = 'QUEUED'
                order by queued_at, statement_id limit ? for update skip locked""", UUID.class, max);
    }

    void exported(List<UUID> statementIds, UUID batchId) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.batchUpdate(
                "update paper_mail_item set status = 'EXPORTED', batch_id = ?, exported_at = ? where statement_id = ? and status = 'QUEUED'",
                statementIds.stream().map(id -> new Object[] {batchId, now, id}).toList());
    }
}
