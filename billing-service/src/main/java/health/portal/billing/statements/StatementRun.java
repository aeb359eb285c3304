package health.portal.billing.statements;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** One run of the statement run over every account, for one period. */
record StatementRun(
        UUID runId,
        LocalDate periodEnd,
        RunStatus status,
        int issued,
        int pending,
        Instant startedAt,
        Instant finishedAt) {

    static StatementRun started(LocalDate periodEnd, Instant at) {
        return new StatementRun(UUID.randomUUID(), periodEnd, RunStatus.RUNNING, 0, 0, at, null);
    }

    /** A pass over the accounts ended: complete when none was left pending, else pending on those. */
    StatementRun passEnded(int newlyIssued, int stillPending, Instant at) {
        if (status == RunStatus.COMPLETED) {
            throw new IllegalStateException("run " + runId + " is complete already");
        }
        RunStatus next = stillPending == 0 ? RunStatus.COMPLETED : RunStatus.PENDING;
        return new StatementRun(runId, periodEnd, next, issued + newlyIssued, stillPending, startedAt, at);
    }
}
