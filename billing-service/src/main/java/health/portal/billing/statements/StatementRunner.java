package health.portal.billing.statements;

import health.portal.billing.accounts.Account;
import health.portal.billing.accounts.Accounts;
import health.portal.billing.paperless.Paperless;
import health.portal.platform.problem.DependencyUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.TreeSet;

/**
 * The statement run: for every enrolled patient's accounts, import the EMR's charges, then issue the period's
 * statement. An account the EMR cannot be asked about stays pending; the retry (or the next run for the period)
 * resumes it, and an account never gets a period's statement twice.
 */
@Component
class StatementRunner {

    private static final Logger log = LoggerFactory.getLogger(StatementRunner.class);

    private record Pass(int issued, int pending) {}

    private final Accounts accounts;
    private final Paperless paperless;
    private final ChargeImport charges;
    private final StatementIssuer issuer;
    private final StatementRuns runs;
    private final Clock clock;
    private final ZoneId zone;

    StatementRunner(
            Accounts accounts,
            Paperless paperless,
            ChargeImport charges,
            StatementIssuer issuer,
            StatementRuns runs,
            Clock clock,
            @Value("${billing.clinic.time-zone:America/New_York}") ZoneId zone) {
        this.accounts = accounts;
        this.paperless = paperless;
        this.charges = charges;
        this.issuer = issuer;
        this.runs = runs;
        this.clock = clock;
        this.zone = zone;
    }

    @Scheduled(cron = "${billing.statements.cron:0 0 5 1 * *}", zone = "${billing.clinic.time-zone:America/New_York}")
    void scheduled() {
        run(null);
    }

    /** Resumes the runs left pending by an EMR outage. */
    @Scheduled(
            fixedDelayString = "${billing.statements.retry-interval:10m}",
            initialDelayString = "${billing.statements.retry-interval:10m}")
    void retryPending() {
        runs.claimPending().forEach(this::pass);
    }

    /** A run for the period that ends on {@code periodEnd} (null: the last month that has ended). */
    StatementRun run(LocalDate periodEnd) {
        StatementPeriod period =
                periodEnd == null ? StatementPeriod.previousMonth(clock, zone) : StatementPeriod.monthOf(periodEnd);
        StatementRun run = StatementRun.started(period.end(), clock.instant());
        runs.insert(run);
        return pass(run);
    }

    private StatementRun pass(StatementRun run) {
        StatementPeriod period = StatementPeriod.monthOf(run.periodEnd());
        Pass pass = overEveryPatient(period);
        StatementRun ended = run.passEnded(pass.issued(), pass.pending(), clock.instant());
        runs.save(ended);
        log.info(
                "statement run {} for {}: {} issued, {} pending",
                ended.runId(),
                period.end(),
                pass.issued(),
                pass.pending());
        return ended;
    }

    private Pass overEveryPatient(StatementPeriod period) {
        int issued = 0;
        int pending = 0;
        TreeSet<String> patients = new TreeSet<>(paperless.patients());
        patients.addAll(accounts.patients());
        for (String patientId : patients) {
            Pass pass = forPatient(patientId, period);
            issued += pass.issued();
            pending += pass.pending();
        }
        return new Pass(issued, pending);
    }

    private Pass forPatient(String patientId, StatementPeriod period) {
        List<Account> known;
        try {
            known = accounts.refresh(patientId);
        } catch (DependencyUnavailableException e) {
            return new Pass(0, Math.max(1, accounts.known(patientId).size()));
        }
        int issued = 0;
        int pending = 0;
        for (Account account : known) {
            try {
                charges.importFor(account);
                issued += issuer.issue(account, period).isPresent() ? 1 : 0;
            } catch (DependencyUnavailableException e) {
                pending++;
            }
        }
        return new Pass(issued, pending);
    }
}
