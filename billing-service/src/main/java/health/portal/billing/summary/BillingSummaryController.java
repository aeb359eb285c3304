package health.portal.billing.summary;

import health.portal.billing.accounts.Account;
import health.portal.billing.accounts.Accounts;
import health.portal.billing.audit.Actor;
import health.portal.billing.audit.AuditTrail;
import health.portal.billing.ledger.Aging;
import health.portal.billing.ledger.Ledger;
import health.portal.billing.ledger.PostingView;
import health.portal.billing.money.Money;
import health.portal.billing.paperless.Paperless;
import health.portal.billing.paperless.PaperlessView;
import health.portal.billing.statements.StatementView;
import health.portal.billing.statements.Statements;
import health.portal.platform.problem.Problems;
import health.portal.platform.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/** The Billing Summary tab, one account with its statements, and the billing office's view of an account. */
@RestController
class BillingSummaryController {

    record Summary(List<AccountView> accounts, List<StatementView> statements, PaperlessView paperless) {}

    record AccountWithStatements(
            String accountId,
            String name,
            String currency,
            Money balance,
            AccountView.AgingView aging,
            List<StatementView> statements) {

        static AccountWithStatements of(AccountView a, List<StatementView> statements) {
            return new AccountWithStatements(a.accountId(), a.name(), a.currency(), a.balance(), a.aging(), statements);
        }
    }

    /** The billing office's view: the Account with its postings, statements and paperless state. */
    record StaffAccount(
            String accountId,
            String patientId,
            String name,
            String currency,
            Money balance,
            AccountView.AgingView aging,
            List<PostingView> postings,
            List<StatementView> statements,
            PaperlessView paperless) {}

    private final Accounts accounts;
    private final Ledger ledger;
    private final Statements statements;
    private final Paperless paperless;
    private final AuditTrail audit;
    private final Clock clock;
    private final ZoneId zone;

    BillingSummaryController(
            Accounts accounts,
            Ledger ledger,
            Statements statements,
            Paperless paperless,
            AuditTrail audit,
            Clock clock,
            @Value("${billing.clinic.time-zone:America/New_York}") ZoneId zone) {
        this.accounts = accounts;
        this.ledger = ledger;
        this.statements = statements;
        this.paperless = paperless;
        this.audit = audit;
        this.clock = clock;
        this.zone = zone;
    }

    @GetMapping("/api/billing/summary")
    Summary summary(@AuthenticationPrincipal Jwt jwt) {
        String patientId = Caller.of(jwt).requirePatientId();
        return new Summary(
                accounts.ofPatient(patientId).stream().map(this::view).toList(),
                statements.ofPatient(patientId).stream().map(StatementView::of).toList(),
                PaperlessView.of(paperless.current(patientId)));
    }

    @GetMapping("/api/billing/accounts/{accountId}")
    AccountWithStatements account(@AuthenticationPrincipal Jwt jwt, @PathVariable String accountId) {
        String patientId = Caller.of(jwt).requirePatientId();
        accounts.ofPatient(patientId); // the first visit may come here: the accounts are read from the EMR then
        Account account = accounts.ofPatient(patientId, accountId).orElseThrow(BillingSummaryController::notFound);
        return AccountWithStatements.of(view(account), statementsOf(accountId));
    }

    @GetMapping("/internal/staff/billing/accounts/{accountId}")
    StaffAccount staffView(
            @AuthenticationPrincipal Jwt jwt, @PathVariable String accountId, HttpServletRequest request) {
        Account account = accounts.find(accountId).orElseThrow(Ledger::unknownAccount);
        audit.record(
                Actor.of(jwt, request),
                account.patientId(),
                "billing.account.viewed",
                "billing.account",
                "account " + accountId);
        AccountView view = view(account);
        return new StaffAccount(
                view.accountId(),
                account.patientId(),
                view.name(),
                view.currency(),
                view.balance(),
                view.aging(),
                ledger.postings(accountId).stream().map(PostingView::of).toList(),
                statementsOf(accountId),
                PaperlessView.of(paperless.current(account.patientId())));
    }

    private AccountView view(Account account) {
        Aging aging = Aging.of(ledger.postings(account.accountId()), LocalDate.now(clock.withZone(zone)));
        return AccountView.of(account, ledger.balance(account.accountId()), aging);
    }

    private List<StatementView> statementsOf(String accountId) {
        return statements.ofAccount(accountId).stream().map(StatementView::of).toList();
    }

    private static ErrorResponseException notFound() {
        return Problems.exception(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "There is no such account.");
    }
}
