package health.portal.billing.statements;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

/** The runs' rows. */
@Component
class StatementRuns {

    private static final RowMapper<StatementRun> ROW = (rs, n) -> new StatementRun(
            rs.getObject("run_id", UUID.class),
            rs.getDate("period_end").toLocalDate(),
            RunStatus.valueOf(rs.getString("status")),
            rs.getInt("issued"),
            rs.getInt("pending"),
            rs.getTimestamp("started_at").toInstant(),
            rs.getTimestamp("finished_at") == null
                    ? null
                    : rs.getTimestamp("finished_at").toInstant());

    private final JdbcTemplate jdbc;

    StatementRuns(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insert(StatementRun run) {
        jdbc.update(
                "insert into statement_run (run_id, period_end, status, issued, pending, started_at) values (?, ?, ?, ?, ?, ?)",
                run.runId(),
                Date.valueOf(run.periodEnd()),
                run.status().name(),
                run.issued(),
                run.pending(),
                Timestamp.from(run.startedAt()));
    }

    void save(StatementRun run) {
        jdbc.update(
                "update statement_run set status = ?, issued = ?, pending = ?, finished_at = ? where run_id = ?",
                run.status().name(),
                run.issued(),
                run.pending(),
                run.finishedAt() == null ? null : Timestamp.from(run.finishedAt()),
                run.runId());
    }

    /** The pending runs, each taken by this caller only (a run another replica resumes now is skipped). */
    List<StatementRun> claimPending() {
        return jdbc.query("""
                update statement_run set status = 'RUNNING' where run_id in (
                    select run_id from statement_run where status = 'PENDING' order by started_at
                    for update skip locked)
                returning *""", ROW);
    }
}
