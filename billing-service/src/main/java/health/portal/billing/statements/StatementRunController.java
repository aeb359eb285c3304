package health.portal.billing.statements;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.LocalDate;
import java.util.UUID;

/** The billing office runs the statement run now (the scheduler runs it monthly). */
@RestController
class StatementRunController {

    record RunRequest(LocalDate periodEnd) {}

    record RunView(UUID runId, LocalDate periodEnd, RunStatus status, int issued, int pending) {}

    private final StatementRunner runner;

    StatementRunController(StatementRunner runner) {
        this.runner = runner;
    }

    @PostMapping("/internal/staff/billing/statement-runs")
    RunView run(@RequestBody(required = false) RunRequest request) {
        StatementRun run = runner.run(request == null ? null : request.periodEnd());
        return new RunView(run.runId(), run.periodEnd(), run.status(), run.issued(), run.pending());
    }
}
