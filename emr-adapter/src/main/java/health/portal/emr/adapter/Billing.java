package health.portal.emr.adapter;

import ca.uhn.fhir.rest.gclient.ICriterion;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import health.portal.emr.adapter.mapping.BillingMapping;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.MailingAddress;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Reference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The patient's financial record in the EMR: guarantor Accounts, the ChargeItems of one account (with the Invoice
 * that lists each), and where paper statements go. Every resource must be the patient's, whatever the EMR's search
 * returned; an account of someone else is no account at all.
 */
record Billing(FhirAccess access, ResourceReads reads) {

    /** A full listing shows what is billed; a statement's own lines (named by id) are shown whatever became of them. */
    private static final Set<ChargeItem.ChargeItemStatus> BILLED =
            EnumSet.of(ChargeItem.ChargeItemStatus.BILLABLE, ChargeItem.ChargeItemStatus.BILLED);

    private static final int MAX_CHARGE_IDS = 500;

    List<BillingAccount> accounts(String patientId) {
        reads.requirePatientProfile(patientId);
        return access.searchAll(Account.class, patientId).stream()
                .filter(a -> belongsTo(a, patientId))
                .sorted(Comparator.comparing(a -> a.getIdElement().getIdPart()))
                .map(BillingMapping::account)
                .toList();
    }

    /**
     * The account's charges, oldest first; only those named when {@code chargeItemIds} is not empty. Empty when the
     * account is not one of the patient's (or does not exist): the caller cannot tell the two apart.
     *
     * @throws EmrInvalidDataException when a charge's price is not exact in its account's currency
     */
    Optional<List<Charge>> charges(String patientId, String accountId, List<String> chargeItemIds) {
        FhirIds.require(patientId, "patient_id");
        FhirIds.require(accountId, "account_id");
        if (chargeItemIds.size() > MAX_CHARGE_IDS) {
            throw new IllegalArgumentException("at most " + MAX_CHARGE_IDS + " charge_item_ids");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String id : chargeItemIds) {
            wanted.add(FhirIds.require(id, "charge_item_ids"));
        }
        Optional<Account> account = access.readOrEmpty(Account.class, accountId).filter(a -> belongsTo(a, patientId));
        if (account.isEmpty()) {
            return Optional.empty();
        }
        String currency = BillingMapping.currency(account.get());
        String accountReference = "Account/" + accountId;
        List<ICriterion<?>> criteria = new ArrayList<>();
        criteria.add(new ReferenceClientParam(ChargeItem.SP_ACCOUNT).hasId(accountReference));
        if (!wanted.isEmpty()) {
            criteria.add(new TokenClientParam("_id").exactly().codes(List.copyOf(wanted)));
        }
        List<ChargeItem> items = access.searchAllMatching(ChargeItem.class, patientId, criteria, null, null).stream()
                .filter(c -> c.getAccount().stream().anyMatch(r -> accountReference.equals(reference(r))))
                .filter(c -> wanted.isEmpty() ? BILLED.contains(c.getStatus()) : wanted.contains(id(c)))
                .toList();
        Map<String, String> invoices = invoicesByChargeItem(patientId, accountReference);
        return Optional.of(items.stream()
                .map(c -> charge(c, accountId, currency, invoices.get(id(c))))
                .sorted(Comparator.comparing(Charge::getServiceDate).thenComparing(Charge::getChargeItemId))
                .toList());
    }

    private static Charge charge(ChargeItem item, String accountId, String currency, String invoiceId) {
        Charge charge;
        try {
            charge = BillingMapping.charge(item, accountId, invoiceId);
        } catch (BillingMapping.InvalidAmountException e) {
            // the id and what is wrong, never what the charge was for
            throw new EmrInvalidDataException("ChargeItem/" + id(item) + ": " + e.getMessage());
        }
        if (!charge.getCurrency().equals(currency)) {
            throw new EmrInvalidDataException(
                    "ChargeItem/" + id(item) + ": currency differs from its account's (" + currency + ")");
        }
        return charge;
    }

    /** Which Invoice lists each ChargeItem of the account (an EMR without Invoices: none). */
    private Map<String, String> invoicesByChargeItem(String patientId, String accountReference) {
        Map<String, String> byItem = new HashMap<>();
        List<Invoice> invoices;
        try {
            invoices = access.searchAll(
                    Invoice.class,
                    patientId,
                    new ReferenceClientParam(Invoice.SP_ACCOUNT).hasId(accountReference),
                    null,
                    null);
        } catch (EmrUnavailableException | EmrInvalidDataException e) {
            throw e;
        } catch (EmrException notServed) {
            return byItem;
        }
        for (Invoice invoice : invoices) {
            if (invoice.getStatus() == Invoice.InvoiceStatus.CANCELLED
                    || invoice.getStatus() == Invoice.InvoiceStatus.ENTEREDINERROR
                    || !accountReference.equals(reference(invoice.getAccount()))) {
                continue;
            }
            for (Invoice.InvoiceLineItemComponent line : invoice.getLineItem()) {
                if (line.hasChargeItemReference()
                        && "ChargeItem"
                                .equals(line.getChargeItemReference()
                                        .getReferenceElement()
                                        .getResourceType())) {
                    byItem.putIfAbsent(
                            line.getChargeItemReference().getReferenceElement().getIdPart(),
                            invoice.getIdElement().getIdPart());
                }
            }
        }
        return byItem;
    }

    Optional<MailingAddress> mailingAddress(String patientId) {
        return reads.patient(patientId).flatMap(p -> BillingMapping.mailingAddress(p, Instant.now()));
    }

    private static boolean belongsTo(Account account, String patientId) {
        String patient = "Patient/" + patientId;
        return account.getSubject().stream().anyMatch(s -> patient.equals(reference(s)));
    }

    /** {@code Type/id} of a reference, without a base URL or version. */
    private static String reference(Reference reference) {
        if (reference == null || !reference.hasReference()) {
            return "";
        }
        var element = reference.getReferenceElement();
        return element.getResourceType() + "/" + element.getIdPart();
    }

    private static String id(ChargeItem item) {
        return item.getIdElement().getIdPart();
    }
}
