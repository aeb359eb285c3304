package health.portal.billing.statements;

import health.portal.billing.accounts.Account;
import health.portal.billing.ledger.Ledger;
import health.portal.billing.ledger.NewPosting;
import health.portal.billing.ledger.PostingKind;
import health.portal.billing.records.RecordsClient;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.Charge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The EMR's charges of an account (records-service {@code ListCharges}) become CHARGE postings with the external id
 * {@code emr:ChargeItem/<id>}: ids, amount and service date only, the description stays in the EMR. Posting them again
 * changes nothing; a charge the ledger refuses (a changed price, another currency) is logged by id and left out.
 */
@Component
class ChargeImport {

    private static final Logger log = LoggerFactory.getLogger(ChargeImport.class);

    private final RecordsClient records;
    private final Ledger ledger;

    ChargeImport(RecordsClient records, Ledger ledger) {
        this.records = records;
        this.ledger = ledger;
    }

    void importFor(Account account) {
        for (Charge charge : records.charges(account.patientId(), account.accountId(), java.util.List.of())) {
            if (!isPostable(charge, account)) {
                log.warn("EMR charge {} of account {} not posted", charge.getChargeItemId(), account.accountId());
                continue;
            }
            LocalDate serviceDate = LocalDate.parse(charge.getServiceDate());
            try {
                ledger.post(new NewPosting(
                        "emr:ChargeItem/" + charge.getChargeItemId(),
                        account.accountId(),
                        PostingKind.CHARGE,
                        charge.getAmountMinor(),
                        charge.getCurrency(),
                        serviceDate,
                        serviceDate,
                        charge.getChargeItemId()));
            } catch (ErrorResponseException e) {
                log.warn(
                        "EMR charge {} of account {} refused by the ledger: {}",
                        charge.getChargeItemId(),
                        account.accountId(),
                        e.getBody().getType());
            }
        }
    }

    private static boolean isPostable(Charge charge, Account account) {
        if (!FhirIds.isValid(charge.getChargeItemId())
                || charge.getAmountMinor() <= 0
                || !account.currency().equals(charge.getCurrency())) {
            return false;
        }
        try {
            LocalDate.parse(charge.getServiceDate());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
