package health.portal.billing.statements;

import health.portal.billing.paperless.Delivery;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The issued statements and which postings each lists. Rows are inserted, never updated. */
@Component
public class Statements {

    private static final RowMapper<Statement> ROW = (rs, n) -> new Statement(
            rs.getObject("statement_id", UUID.class),
            rs.getString("account_id"),
            rs.getString("patient_id"),
            rs.getDate("period_start").toLocalDate(),
            rs.getDate("period_end").toLocalDate(),
            rs.getLong("previous_balance_minor"),
            rs.getLong("amount_due_minor"),
            rs.getString("currency"),
            rs.getDate("due_date").toLocalDate(),
            rs.getTimestamp("issued_at").toInstant(),
            Delivery.valueOf(rs.getString("delivery")));

    private final JdbcTemplate jdbc;

    Statements(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Statement> find(UUID statementId) {
        return jdbc.query("select * from statement where statement_id = ?", ROW, statementId).stream()
                .findFirst();
    }

    /** The patient's statement by id; empty for another patient's (or an unknown) one. */
    public Optional<Statement> ofPatient(String patientId, UUID statementId) {
        return find(statementId).filter(s -> s.patientId().equals(patientId));
    }

    /** Newest first. */
    public List<Statement> ofPatient(String patientId) {
        return jdbc.query(
                "select * from statement where patient_id = ? order by period_end desc, issued_at desc, account_id",
                ROW,
                patientId);
    }

    /** Newest first. */
    public List<Statement> ofAccount(String accountId) {
        return jdbc.query("select * from statement where account_id = ? order by period_end desc", ROW, accountId);
    }

    /** The ids of the postings the statement lists. */
    public Set<UUID> postingIds(UUID statementId) {
        return new HashSet<>(jdbc.queryForList(
                "select posting_id from statement_line where statement_id = ?", UUID.class, statementId));
    }

    boolean issuedFor(String accountId, LocalDate periodEnd) {
        Integer n = jdbc.queryForObject(
                "select count(*) from statement where account_id = ? and period_end >= ?",
                Integer.class,
                accountId,
                Date.valueOf(periodEnd));
        return n != null && n > 0;
    }

    Optional<Statement> lastBefore(String accountId, LocalDate periodEnd) {
        return jdbc
                .query(
                        "select * from statement where account_id = ? and period_end < ? order by period_end desc limit 1",
                        ROW,
                        accountId,
                        Date.valueOf(periodEnd))
                .stream()
                .findFirst();
    }

    Set<UUID> statedPostingIds(String accountId) {
        return new HashSet<>(jdbc.queryForList("""
                select l.posting_id from statement_line l join statement s on s.statement_id = l.statement_id
                where s.account_id = ?""", UUID.class, accountId));
    }

    void insert(Statement s, Collection<UUID> postingIds) {
        jdbc.update(
                """
                insert into statement (statement_id, account_id, patient_id, period_start, period_end,
                                       previous_balance_minor, amount_due_minor, currency, due_date, issued_at, delivery)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                s.statementId(),
                s.accountId(),
                s.patientId(),
                Date.valueOf(s.periodStart()),
                Date.valueOf(s.periodEnd()),
                s.previousBalanceMinor(),
                s.amountDueMinor(),
                s.currency(),
                Date.valueOf(s.dueDate()),
                Timestamp.from(s.issuedAt()),
                s.delivery().name());
        jdbc.batchUpdate(
                "insert into statement_line (posting_id, statement_id) values (?, ?)",
                postingIds.stream()
                        .map(id -> new Object[] {id, s.statementId()})
                        .toList());
    }
}
