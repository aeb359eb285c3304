package health.portal.emr.sandbox.seed;

import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Synthea's claims turned into what a hospital's EMR holds for billing: one guarantor {@link Account} per patient, a
 * {@link ChargeItem} per billed claim item (an item with a net price; a claim without any becomes one charge of its
 * total, for its first item's service) and an {@link Invoice} per claim listing them. The Claims themselves are dropped:
 * the sandbox serves the EMR's side, not the payer's. Ids are derived from the claim's, so every load gives the same.
 */
public final class SyntheaClaims {

    /** Account has no currency element in R4: the sandbox states the one currency of an account in this extension. */
    public static final String ACCOUNT_CURRENCY_EXTENSION =
            "http://portal.health/fhir/StructureDefinition/account-currency";

    public static final String ACCOUNT_NAME = "Guarantor account";
    static final String DEFAULT_CURRENCY = "USD";

    private SyntheaClaims() {}

    /** The guarantor account's id for a patient. */
    public static String accountId(String patientId) {
        return "acct-" + patientId;
    }

    /**
     * Replaces the Claims of one patient's Synthea bundle by the patient's Account, ChargeItems and Invoices. The new
     * resources keep Synthea's {@code urn:uuid:} references (patient, encounter), which the loader resolves as it does
     * for every other resource of the bundle.
     */
    public static void replaceClaims(Bundle bundle) {
        List<Claim> claims = new ArrayList<>();
        String patientId = null;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Claim claim) {
                claims.add(claim);
            } else if (entry.getResource() instanceof Patient patient) {
                patientId = patient.getIdElement().getIdPart();
            }
        }
        bundle.getEntry().removeIf(e -> e.getResource() instanceof Claim);
        if (patientId == null) {
            return;
        }
        add(bundle, account(patientId));
        for (Claim claim : claims) {
            List<ChargeItem> charges = charges(claim, patientId);
            charges.forEach(c -> add(bundle, c));
            if (!charges.isEmpty()) {
                add(bundle, invoice(claim, patientId, charges));
            }
        }
    }

    static Account account(String patientId) {
        Account account = new Account();
        account.setId(accountId(patientId));
        account.addExtension(ACCOUNT_CURRENCY_EXTENSION, new CodeType(DEFAULT_CURRENCY));
        account.setStatus(Account.AccountStatus.ACTIVE);
        account.setName(ACCOUNT_NAME);
        account.addSubject(new Reference("Patient/" + patientId));
        account.addGuarantor().setParty(new Reference("Patient/" + patientId));
        return account;
    }

    /**
     * One charge per billed item (a net price above zero: Synthea writes 0.00 for what it did not bill), else one of
     * the claim's total for its first item.
     */
    static List<ChargeItem> charges(Claim claim, String patientId) {
        Reference encounter = encounterOf(claim);
        List<ChargeItem> charges = new ArrayList<>();
        for (Claim.ItemComponent item : claim.getItem()) {
            if (positive(item.getNet())) {
                charges.add(charge(claim, item, item.getNet(), encounter, patientId));
            }
        }
        if (charges.isEmpty() && claim.hasItem() && positive(claim.getTotal())) {
            charges.add(charge(claim, claim.getItemFirstRep(), claim.getTotal(), encounter, patientId));
        }
        return charges;
    }

    private static ChargeItem charge(
            Claim claim, Claim.ItemComponent item, Money price, Reference encounter, String patientId) {
        ChargeItem charge = new ChargeItem();
        charge.setId(chargeItemId(claim, item));
        charge.setStatus(ChargeItem.ChargeItemStatus.BILLABLE);
        charge.setCode(item.hasProductOrService() ? item.getProductOrService().copy() : new CodeableConcept());
        charge.setSubject(claim.getPatient().copy());
        if (encounter != null) {
            charge.setContext(encounter.copy());
        }
        if (claim.getBillablePeriod().hasStart()) {
            charge.setOccurrence(claim.getBillablePeriod().getStartElement().copy());
        }
        if (claim.hasCreated()) {
            charge.setEnteredDateElement(claim.getCreatedElement().copy());
        }
        charge.setQuantity(new Quantity(1));
        charge.setPriceOverride(money(price.getValue(), price.hasCurrency() ? price.getCurrency() : DEFAULT_CURRENCY));
        charge.addAccount(new Reference("Account/" + accountId(patientId)));
        return charge;
    }

    static Invoice invoice(Claim claim, String patientId, List<ChargeItem> charges) {
        Invoice invoice = new Invoice();
        invoice.setId(claim.getIdElement().getIdPart());
        invoice.setStatus(Invoice.InvoiceStatus.ISSUED);
        invoice.setSubject(claim.getPatient().copy());
        invoice.setDateElement(
                claim.hasCreated()
                        ? claim.getCreatedElement().copy()
                        : claim.getBillablePeriod().getStartElement().copy());
        invoice.setAccount(new Reference("Account/" + accountId(patientId)));
        BigDecimal total = BigDecimal.ZERO;
        int sequence = 1;
        for (ChargeItem charge : charges) {
            invoice.addLineItem()
                    .setSequence(sequence++)
                    .setChargeItem(
                            new Reference("ChargeItem/" + charge.getIdElement().getIdPart()));
            total = total.add(charge.getPriceOverride().getValue());
        }
        String currency = charges.getFirst().getPriceOverride().getCurrency();
        // the invoice totals its own lines: Synthea's claim total adds costs that no item carries
        invoice.setTotalNet(money(total, currency));
        invoice.setTotalGross(money(total, currency));
        return invoice;
    }

    /** The encounter the claim bills: its first item's (Synthea puts the encounter on the first item only). */
    private static Reference encounterOf(Claim claim) {
        for (Claim.ItemComponent item : claim.getItem()) {
            for (Reference encounter : item.getEncounter()) {
                if (encounter.hasReference()) {
                    return encounter;
                }
            }
        }
        return null;
    }

    static String chargeItemId(Claim claim, Claim.ItemComponent item) {
        String key = claim.getIdElement().getIdPart() + "#" + item.getSequence();
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static boolean positive(Money money) {
        return money != null && money.hasValue() && money.getValue().signum() > 0;
    }

    private static Money money(BigDecimal value, String currency) {
        Money money = new Money();
        money.setValue(value);
        money.setCurrency(currency);
        return money;
    }

    private static void add(Bundle bundle, Resource resource) {
        bundle.addEntry()
                .setFullUrl("urn:uuid:" + resource.getIdElement().getIdPart())
                .setResource(resource);
    }
}
