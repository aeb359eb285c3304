package health.portal.billing.accounts;

import health.portal.billing.records.RecordsClient;
import health.portal.proto.records.v1.BillingAccount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Currency;
import java.util.List;
import java.util.Optional;

/**
 * The patients' accounts, read from the EMR (records-service {@code ListBillingAccounts}) the first time they are
 * needed and kept by id, so that postings and statements refer to them without asking the EMR again.
 */
@Component
public class Accounts {

    private static final Logger log = LoggerFactory.getLogger(Accounts.class);
    private static final RowMapper<Account> ROW = (rs, n) -> new Account(
            rs.getString("account_id"),
            rs.getString("patient_id"),
            rs.getString("name"),
            rs.getString("currency"),
            rs.getBoolean("active"));

    private final JdbcTemplate jdbc;
    private final RecordsClient records;
    private final Clock clock;

    Accounts(JdbcTemplate jdbc, RecordsClient records, Clock clock) {
        this.jdbc = jdbc;
        this.records = records;
        this.clock = clock;
    }

    /** The patient's accounts: the kept ones, or the EMR's when none is kept yet (503 when it does not answer). */
    public List<Account> ofPatient(String patientId) {
        List<Account> known = known(patientId);
        return known.isEmpty() ? refresh(patientId) : known;
    }

    /** Asks the EMR for the patient's accounts and keeps the ones not seen before. */
    public List<Account> refresh(String patientId) {
        for (BillingAccount account : records.accounts(patientId)) {
            keep(patientId, account);
        }
        return known(patientId);
    }

    public List<Account> known(String patientId) {
        return jdbc.query("select * from account where patient_id = ? order by account_id", ROW, patientId);
    }

    public Optional<Account> find(String accountId) {
        return jdbc.query("select * from account where account_id = ?", ROW, accountId).stream()
                .findFirst();
    }

    /** The patient's account by id; empty for another patient's (or an unknown) account. */
    public Optional<Account> ofPatient(String patientId, String accountId) {
        return find(accountId).filter(a -> a.patientId().equals(patientId));
    }

    /** Every patient with a kept account. */
    public List<String> patients() {
        return jdbc.queryForList("select distinct patient_id from account order by patient_id", String.class);
    }

    private void keep(String patientId, BillingAccount account) {
        if (!isCurrency(account.getCurrency()) || account.getAccountId().isBlank()) {
            log.warn("EMR account {} has no usable currency; not kept", account.getAccountId());
            return;
        }
        jdbc.update(
                """
                insert into account (account_id, patient_id, name, currency, active, first_seen_at)
                values (?, ?, ?, ?, ?, ?) on conflict (account_id) do nothing""",
                account.getAccountId(),
                patientId,
                account.getName().isBlank() ? "Account" : cut(account.getName(), 200),
                account.getCurrency(),
                account.getActive(),
                Timestamp.from(clock.instant()));
    }

    private static boolean isCurrency(String code) {
        try {
            return code != null && code.length() == 3 && Currency.getInstance(code) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }
}
