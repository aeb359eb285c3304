package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.MailingAddress;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.Currency;
import java.util.Date;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * FHIR Account, ChargeItem and Patient.address -> the portal's billing model. Money becomes whole minor units of the
 * currency, exactly: a price with more fraction digits than its currency has is refused, never rounded, because a
 * statement must show what the EMR billed to the cent.
 */
public final class BillingMapping {

    /**
     * R4's Account has no currency: the EMR (the sandbox; a vendor's own extension elsewhere) states it here. Without
     * it an account is in {@link #DEFAULT_CURRENCY}, the currency of the US EMRs the portal reads.
     */
    public static final String ACCOUNT_CURRENCY_EXTENSION =
            "http://portal.health/fhir/StructureDefinition/account-currency";

    public static final String DEFAULT_CURRENCY = "USD";

    /** A money amount the portal cannot take exactly (unknown currency, too many fraction digits, no value). */
    public static final class InvalidAmountException extends RuntimeException {
        InvalidAmountException(String message) {
            super(message);
        }
    }

    private BillingMapping() {}

    public static BillingAccount account(Account account) {
        return BillingAccount.newBuilder()
                .setAccountId(Fhir.id(account))
                .setName(Fhir.nz(account.getName()))
                .setCurrency(currency(account))
                .setActive(account.getStatus() == Account.AccountStatus.ACTIVE)
                .setGuarantorReference(guarantor(account))
                .build();
    }

    /** The account's one currency: its currency extension, else {@link #DEFAULT_CURRENCY}. */
    public static String currency(Account account) {
        Extension extension = account.getExtensionByUrl(ACCOUNT_CURRENCY_EXTENSION);
        if (extension != null
                && extension.getValue() instanceof PrimitiveType<?> code
                && code.getValueAsString() != null
                && !code.getValueAsString().isBlank()) {
            return code.getValueAsString();
        }
        return DEFAULT_CURRENCY;
    }

    /** The active guarantor (no period, or one that has not ended), else the first. */
    private static String guarantor(Account account) {
        return account.getGuarantor().stream()
                .filter(g -> !g.getOnHold())
                .filter(g -> !g.hasPeriod()
                        || !g.getPeriod().hasEnd()
                        || g.getPeriod().getEnd().after(new Date()))
                .map(Account.GuarantorComponent::getParty)
                .filter(Reference::hasReference)
                .map(Reference::getReference)
                .findFirst()
                .orElse("");
    }

    /**
     * One charge of the account.
     *
     * @throws InvalidAmountException when the price is missing or not exact in minor units of its currency
     */
    public static Charge charge(ChargeItem item, String accountId, String invoiceId) {
        Money price = item.getPriceOverride();
        if (price == null || !price.hasValue()) {
            throw new InvalidAmountException("ChargeItem without priceOverride");
        }
        String currency = price.hasCurrency() ? price.getCurrency() : DEFAULT_CURRENCY;
        Charge.Builder b = Charge.newBuilder()
                .setChargeItemId(Fhir.id(item))
                .setAccountId(accountId)
                .setDescription(Fhir.text(item.getCode()))
                .setCode(code(item))
                .setAmountMinor(minorUnits(price.getValue(), currency))
                .setCurrency(currency)
                .setServiceDate(serviceDate(item))
                .setInvoiceId(Fhir.nz(invoiceId));
        if (item.hasContext()
                && "Encounter".equals(item.getContext().getReferenceElement().getResourceType())) {
            b.setEncounterReference(
                    "Encounter/" + item.getContext().getReferenceElement().getIdPart());
        }
        return b.build();
    }

    /**
     * The amount in whole minor units of the currency (12.30 USD: 1230).
     *
     * @throws InvalidAmountException for an unknown currency or more fraction digits than it has (12.345 USD)
     */
    public static long minorUnits(BigDecimal amount, String currency) {
        int digits;
        try {
            digits = Currency.getInstance(currency).getDefaultFractionDigits();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidAmountException("unknown currency");
        }
        if (digits < 0) {
            throw new InvalidAmountException("currency without minor units");
        }
        if (amount == null) {
            throw new InvalidAmountException("amount without a value");
        }
        BigDecimal exact = amount.stripTrailingZeros();
        if (exact.scale() > digits) {
            throw new InvalidAmountException("amount has more fraction digits than " + currency + " has");
        }
        try {
            return exact.movePointRight(digits).longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidAmountException("amount out of range");
        }
    }

    private static String code(ChargeItem item) {
        if (!item.hasCode() || !item.getCode().hasCoding()) {
            return "";
        }
        var coding = item.getCode().getCodingFirstRep();
        return Fhir.nz(coding.getSystem()) + "|" + Fhir.nz(coding.getCode());
    }

    /** The day of the service as the EMR wrote it (the clinic's local date), from occurrence, else entered date. */
    private static String serviceDate(ChargeItem item) {
        if (item.hasOccurrenceDateTimeType()) {
            return Fhir.date(item.getOccurrenceDateTimeType());
        }
        if (item.hasOccurrencePeriod() && item.getOccurrencePeriod().hasStart()) {
            return Fhir.date(item.getOccurrencePeriod().getStartElement());
        }
        return item.hasEnteredDate() ? Fhir.date(item.getEnteredDateElement()) : "";
    }

    /**
     * Where paper mail reaches the patient: a current (by period) billing, postal or home address, in that order;
     * an old, physical-only or empty address never. Empty when the EMR has none.
     */
    public static Optional<MailingAddress> mailingAddress(Patient patient, Instant now) {
        return patient.getAddress().stream()
                .filter(a -> a.getUse() != Address.AddressUse.OLD)
                .filter(a -> a.getType() != Address.AddressType.PHYSICAL)
                .filter(a -> current(a.getPeriod(), now))
                .filter(a -> a.hasLine() && (a.hasCity() || a.hasPostalCode()))
                .filter(a -> mailScore(a) > 0)
                .max(Comparator.comparingInt(BillingMapping::mailScore))
                .map(a -> MailingAddress.newBuilder()
                        .setName(name(patient))
                        .addAllLines(a.getLine().stream()
                                .map(StringType::getValue)
                                .filter(l -> l != null && !l.isBlank())
                                .toList())
                        .setCity(Fhir.nz(a.getCity()))
                        .setState(Fhir.nz(a.getState()))
                        .setPostalCode(Fhir.nz(a.getPostalCode()))
                        .setCountry(Fhir.nz(a.getCountry()))
                        .build());
    }

    /**
     * A billing address first (where the patient asked bills to go), then postal (or both) before home; an address
     * that is none of these (work, temporary) is no mailing address.
     */
    private static int mailScore(Address address) {
        boolean billing = address.getUse() == Address.AddressUse.BILLING;
        boolean postal =
                address.getType() == Address.AddressType.POSTAL || address.getType() == Address.AddressType.BOTH;
        boolean home = address.getUse() == Address.AddressUse.HOME;
        return (billing ? 4 : 0) + (postal ? 2 : 0) + (home ? 1 : 0);
    }

    private static boolean current(Period period, Instant now) {
        if (period == null || period.isEmpty()) {
            return true;
        }
        return (!period.hasStart() || !period.getStart().toInstant().isAfter(now))
                && (!period.hasEnd() || period.getEnd().toInstant().isAfter(now));
    }

    /** "Given Family" of the patient's preferred name, else its text. */
    static String name(Patient patient) {
        HumanName name = PatientMapping.preferredName(patient);
        if (name == null) {
            return "";
        }
        String parts = Stream.concat(name.getGiven().stream().map(StringType::getValue), Stream.of(name.getFamily()))
                .filter(v -> v != null && !v.isBlank())
                .collect(Collectors.joining(" "));
        return parts.isEmpty() ? Fhir.nz(name.getText()) : parts;
    }
}
