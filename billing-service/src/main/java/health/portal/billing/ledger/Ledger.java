package health.portal.billing.ledger;

import health.portal.billing.accounts.Account;
import health.portal.billing.accounts.Accounts;
import health.portal.billing.money.Amounts;
import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.ErrorResponseException;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The accounts' ledger. Each posting is recorded once per external id and becomes two lines that sum to zero: the
 * account's receivable line and the counter line (revenue, cash or adjustments). The account's balance is kept
 * beside the lines in the same transaction, under the balance row's lock, so that it always equals their sum.
 */
@Component
public class Ledger {

    public static final String UNKNOWN_ACCOUNT = "unknown-account";
    public static final String DUPLICATE_POSTING = "duplicate-posting";

    private static final RowMapper<Posting> ROW = (rs, n) -> new Posting(
            rs.getObject("posting_id", UUID.class),
            rs.getString("external_id"),
            rs.getString("account_id"),
            PostingKind.valueOf(rs.getString("kind")),
            rs.getLong("amount_minor"),
            rs.getString("currency"),
            rs.getDate("posted_on").toLocalDate(),
            rs.getDate("service_date").toLocalDate(),
            rs.getString("charge_item_id"));

    /** A posting and whether this request recorded it (false: the same posting was recorded before). */
    public record Recorded(Posting posting, boolean created) {}

    private final JdbcTemplate jdbc;
    private final Accounts accounts;
    private final Clock clock;

    Ledger(JdbcTemplate jdbc, Accounts accounts, Clock clock) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Transactional
    public Recorded post(NewPosting request) {
        Account account = accounts.find(request.accountId()).orElseThrow(Ledger::unknownAccount);
        requireAccountCurrency(account, request.currency());
        UUID postingId = UUID.randomUUID();
        if (!insertPosting(postingId, request)) {
            return replay(request);
        }
        writeLines(postingId, account, request);
        return new Recorded(byExternalId(request.externalId()).orElseThrow(), true);
    }

    public List<Posting> postings(String accountId) {
        return jdbc.query(
                "select * from posting where account_id = ? order by posted_on, recorded_at, external_id",
                ROW,
                accountId);
    }

    public long balance(String accountId) {
        return jdbc
                .query(
                        "select balance_minor from account_balance where account_id = ?",
                        (rs, n) -> rs.getLong(1),
                        accountId)
                .stream()
                .findFirst()
                .orElse(0L);
    }

    public Optional<Posting> byExternalId(String externalId) {
        return jdbc.query("select * from posting where external_id = ?", ROW, externalId).stream()
                .findFirst();
    }

    private boolean insertPosting(UUID postingId, NewPosting p) {
        // a concurrent post of the same external id waits here on the unique index, then finds the first one
        return jdbc.update(
                        """
                        insert into posting (posting_id, external_id, account_id, kind, amount_minor, currency,
                                             posted_on, service_date, charge_item_id, recorded_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (external_id) do nothing""",
                        postingId,
                        p.externalId(),
                        p.accountId(),
                        p.kind().name(),
                        p.amountMinor(),
                        p.currency(),
                        Date.valueOf(p.postedOn()),
                        Date.valueOf(p.serviceDate() == null ? p.postedOn() : p.serviceDate()),
                        p.chargeItemId() == null || p.chargeItemId().isBlank() ? null : p.chargeItemId(),
                        Timestamp.from(clock.instant()))
                == 1;
    }

    private Recorded replay(NewPosting request) {
        Posting original = byExternalId(request.externalId()).orElseThrow();
        if (!original.sameAs(request)) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    DUPLICATE_POSTING,
                    "Duplicate posting",
                    "A different posting with this external id was recorded before.");
        }
        return new Recorded(original, false);
    }

    private void writeLines(UUID postingId, Account account, NewPosting p) {
        long effect = p.kind().effect(p.amountMinor());
        jdbc.update(
                """
                insert into ledger_line (posting_id, ledger, account_id, amount_minor, currency)
                values (?, 'RECEIVABLE', ?, ?, ?), (?, ?, null, ?, ?)""",
                postingId,
                account.accountId(),
                effect,
                p.currency(),
                postingId,
                p.kind().counterLedger(),
                -effect,
                p.currency());
        jdbc.update("""
                insert into account_balance (account_id, currency, balance_minor) values (?, ?, ?)
                on conflict (account_id) do update set balance_minor = account_balance.balance_minor + excluded.balance_minor""", account.accountId(), account.currency(), effect);
    }

    private static void requireAccountCurrency(Account account, String currency) {
        if (!account.currency().equals(currency)) {
            throw Amounts.invalid("The amount must be in the account's currency, " + account.currency() + ".");
        }
    }

    public static ErrorResponseException unknownAccount() {
        return Problems.exception(
                HttpStatus.NOT_FOUND, UNKNOWN_ACCOUNT, "Unknown account", "There is no account with this id.");
    }
}
