package health.portal.billing.statements;

import health.portal.billing.accounts.Account;
import health.portal.billing.ledger.Ledger;
import health.portal.billing.ledger.Posting;
import health.portal.billing.paperless.Delivery;
import health.portal.billing.paperless.Paperless;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.proto.events.v1.StatementDelivery;
import health.portal.proto.events.v1.StatementIssued;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues one account's statement for a period, in one transaction: under a lock on the account, so that runs at the
 * same time issue it once (the unique key on account and period backs this up); with the delivery the patient's
 * committed preference says at that moment; with its StatementIssued in the outbox.
 */
@Component
class StatementIssuer {

    private final JdbcTemplate jdbc;
    private final Statements statements;
    private final Ledger ledger;
    private final Paperless paperless;
    private final OutboxPublisher outbox;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final Period dueAfter;

    StatementIssuer(
            JdbcTemplate jdbc,
            Statements statements,
            Ledger ledger,
            Paperless paperless,
            OutboxPublisher outbox,
            ApplicationEventPublisher events,
            Clock clock,
            @Value("${billing.statements.due-after:25d}") Period dueAfter) {
        this.jdbc = jdbc;
        this.statements = statements;
        this.ledger = ledger;
        this.paperless = paperless;
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
        this.dueAfter = dueAfter;
    }

    /** The statement issued now; empty when the account has one for the period already or nothing to state. */
    @Transactional
    public Optional<Statement> issue(Account account, StatementPeriod period) {
        lockAccount(account.accountId());
        if (statements.issuedFor(account.accountId(), period.end())) {
            return Optional.empty();
        }
        StatementComposition composition = compose(account, period);
        if (composition.isEmpty()) {
            return Optional.empty();
        }
        Delivery delivery = paperless.deliveryForStatement(account.patientId());
        Statement statement = statementOf(account, period, composition, delivery);
        statements.insert(
                statement, composition.lines().stream().map(Posting::postingId).toList());
        announce(statement);
        return Optional.of(statement);
    }

    private void lockAccount(String accountId) {
        jdbc.query("select pg_advisory_xact_lock(hashtext(?))", rs -> null, "statement:" + accountId);
    }

    private StatementComposition compose(Account account, StatementPeriod period) {
        long previous = statements
                .lastBefore(account.accountId(), period.end())
                .map(Statement::amountDueMinor)
                .orElse(0L);
        Set<UUID> stated = statements.statedPostingIds(account.accountId());
        List<Posting> unstated = ledger.postings(account.accountId()).stream()
                .filter(p -> !stated.contains(p.postingId()))
                .toList();
        return StatementComposition.of(previous, unstated, period);
    }

    private Statement statementOf(
            Account account, StatementPeriod period, StatementComposition composition, Delivery delivery) {
        return new Statement(
                UUID.randomUUID(),
                account.accountId(),
                account.patientId(),
                period.start(),
                period.end(),
                composition.previousBalanceMinor(),
                composition.amountDueMinor(),
                account.currency(),
                period.dueDate(dueAfter),
                // the database keeps microseconds: the issue time must read back as it was when the PDF is drawn again
                clock.instant().truncatedTo(ChronoUnit.MICROS),
                delivery);
    }

    private void announce(Statement s) {
        outbox.publish(
                Topics.BILLING_EVENTS,
                s.patientId(),
                StatementIssued.newBuilder()
                        .setStatementId(s.statementId().toString())
                        .setPatientId(s.patientId())
                        .setAccountId(s.accountId())
                        .setDelivery(
                                s.delivery() == Delivery.MAIL
                                        ? StatementDelivery.STATEMENT_DELIVERY_MAIL
                                        : StatementDelivery.STATEMENT_DELIVERY_PAPERLESS)
                        .setPeriodEnd(s.periodEnd().toString())
                        .build(),
                s.patientId());
        events.publishEvent(new IssuedStatement(s.statementId(), s.patientId(), s.delivery()));
    }
}
