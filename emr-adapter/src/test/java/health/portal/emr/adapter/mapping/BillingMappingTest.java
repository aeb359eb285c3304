package health.portal.emr.adapter.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.MailingAddress;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;

/** Accounts, charges and mailing addresses as an EMR writes them, mapped to the portal's billing model. */
class BillingMappingTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "12.30, USD, 1230",
        "245.0, USD, 24500",
        "245, USD, 24500",
        "0.10, USD, 10",
        "0.01, USD, 1",
        "1234567.89, USD, 123456789",
        "-5.25, USD, -525",
        "12.3000, USD, 1230",
        "1500, JPY, 1500",
        "1500.0, JPY, 1500",
        "1.234, BHD, 1234",
    })
    void amountsBecomeExactMinorUnits(String amount, String currency, long minor) {
        assertThat(BillingMapping.minorUnits(new BigDecimal(amount), currency)).isEqualTo(minor);
    }

    @ParameterizedTest(name = "{0} {1} refused")
    @CsvSource({"12.345, USD", "0.001, USD", "1500.5, JPY", "10.00, XYZ", "10.00, usd"})
    void overPreciseAmountsAndUnknownCurrenciesAreRefusedNotRounded(String amount, String currency) {
        assertThatThrownBy(() -> BillingMapping.minorUnits(new BigDecimal(amount), currency))
                .isInstanceOf(BillingMapping.InvalidAmountException.class);
    }

    @Test
    void anAmountBeyondWhatALongHoldsIsRefused() {
        assertThatThrownBy(() -> BillingMapping.minorUnits(new BigDecimal("1e30"), "USD"))
                .isInstanceOf(BillingMapping.InvalidAmountException.class);
    }

    @Test
    void aChargeCarriesItsServiceItsPriceItsDayAndItsVisit() {
        Charge charge = BillingMapping.charge(chargeItem("64.35"), "acct-demo-alex", "alex-invoice-1");
        assertThat(charge.getChargeItemId()).isEqualTo("alex-charge-1");
        assertThat(charge.getAccountId()).isEqualTo("acct-demo-alex");
        assertThat(charge.getDescription()).isEqualTo("Comprehensive metabolic panel");
        assertThat(charge.getCode()).isEqualTo("http://www.ama-assn.org/go/cpt|80053");
        assertThat(charge.getAmountMinor()).isEqualTo(6435);
        assertThat(charge.getCurrency()).isEqualTo("USD");
        // the clinic's local day as the EMR wrote it: 23:30 at -05:00 is already the 13th in UTC
        assertThat(charge.getServiceDate()).isEqualTo("2026-11-12");
        assertThat(charge.getEncounterReference()).isEqualTo("Encounter/alex-enc-last-month");
        assertThat(charge.getInvoiceId()).isEqualTo("alex-invoice-1");
    }

    @Test
    void aChargeWithoutPriceOrWithAnOverPrecisePriceIsRefused() {
        ChargeItem unpriced = chargeItem("1.00").setPriceOverride(null);
        assertThatThrownBy(() -> BillingMapping.charge(unpriced, "acct-demo-alex", ""))
                .isInstanceOf(BillingMapping.InvalidAmountException.class);
        assertThatThrownBy(() -> BillingMapping.charge(chargeItem("64.355"), "acct-demo-alex", ""))
                .isInstanceOf(BillingMapping.InvalidAmountException.class)
                .hasMessageNotContaining("panel");
    }

    @Test
    void aChargeDatedByAPeriodOrOnlyByEntryStillHasItsDay() {
        ChargeItem period = chargeItem("10.00");
        period.setOccurrence(new Period().setStartElement(new DateTimeType("2026-10-02T10:00:00-04:00")));
        assertThat(BillingMapping.charge(period, "a", "").getServiceDate()).isEqualTo("2026-10-02");
        ChargeItem entered = chargeItem("10.00");
        entered.setOccurrence(null);
        entered.setEnteredDateElement(new DateTimeType("2026-09-30T08:00:00-04:00"));
        assertThat(BillingMapping.charge(entered, "a", "").getServiceDate()).isEqualTo("2026-09-30");
    }

    @Test
    void anAccountStatesItsCurrencyElseIsInDollars() {
        Account account = new Account();
        account.setId("acct-demo-sam");
        account.setName("Guarantor account");
        account.setStatus(Account.AccountStatus.ACTIVE);
        account.addSubject(new Reference("Patient/demo-sam"));
        account.addGuarantor()
                .setParty(new Reference("Patient/old-guarantor"))
                .setPeriod(new Period().setEnd(Date.from(NOW.minusSeconds(86_400 * 400))));
        account.addGuarantor().setParty(new Reference("Patient/demo-sam"));
        BillingAccount dollars = BillingMapping.account(account);
        assertThat(dollars.getAccountId()).isEqualTo("acct-demo-sam");
        assertThat(dollars.getName()).isEqualTo("Guarantor account");
        assertThat(dollars.getCurrency()).isEqualTo("USD");
        assertThat(dollars.getActive()).isTrue();
        assertThat(dollars.getGuarantorReference()).isEqualTo("Patient/demo-sam");

        account.addExtension(BillingMapping.ACCOUNT_CURRENCY_EXTENSION, new CodeType("EUR"));
        account.setStatus(Account.AccountStatus.INACTIVE);
        BillingAccount euros = BillingMapping.account(account);
        assertThat(euros.getCurrency()).isEqualTo("EUR");
        assertThat(euros.getActive()).isFalse();
    }

    @Test
    void theMailingAddressIsACurrentBillingPostalOrHomeOneWithThePatientsName() {
        Patient patient = new Patient();
        patient.addName(new HumanName()
                .setUse(HumanName.NameUse.OFFICIAL)
                .setFamily("Okafor")
                .addGiven("Sam"));
        patient.addAddress(address("1 Old Road", Address.AddressUse.OLD, null));
        patient.addAddress(address("2 Work Plaza", Address.AddressUse.WORK, null));
        patient.addAddress(address("3 Clinic Visit Street", Address.AddressUse.HOME, Address.AddressType.PHYSICAL));
        Address moved = address("4 Former Home Lane", Address.AddressUse.HOME, Address.AddressType.POSTAL);
        moved.setPeriod(new Period().setEnd(Date.from(NOW.minusSeconds(3600))));
        patient.addAddress(moved);
        patient.addAddress(address("7 Oak Avenue", Address.AddressUse.HOME, null));

        MailingAddress home = BillingMapping.mailingAddress(patient, NOW).orElseThrow();
        assertThat(home.getName()).isEqualTo("Sam Okafor");
        assertThat(home.getLinesList()).containsExactly("7 Oak Avenue");
        assertThat(home.getCity()).isEqualTo("Springfield");
        assertThat(home.getState()).isEqualTo("MA");
        assertThat(home.getPostalCode()).isEqualTo("01104");
        assertThat(home.getCountry()).isEqualTo("US");

        patient.addAddress(address("PO Box 12", Address.AddressUse.HOME, Address.AddressType.POSTAL));
        assertThat(BillingMapping.mailingAddress(patient, NOW).orElseThrow().getLinesList())
                .containsExactly("PO Box 12");
        patient.addAddress(address("9 Billing Court", Address.AddressUse.BILLING, null));
        assertThat(BillingMapping.mailingAddress(patient, NOW).orElseThrow().getLinesList())
                .containsExactly("9 Billing Court");
    }

    @Test
    void noMailingAddressWhenNoneIsCurrentOrMailable() {
        Patient patient = new Patient();
        patient.addName(new HumanName().setText("Pat Doe"));
        assertThat(BillingMapping.mailingAddress(patient, NOW)).isEmpty();
        patient.addAddress(address("1 Old Road", Address.AddressUse.OLD, Address.AddressType.POSTAL));
        patient.addAddress(address("2 Work Plaza", Address.AddressUse.WORK, null));
        Address future = address("5 Next Street", Address.AddressUse.HOME, null);
        future.setPeriod(new Period().setStart(Date.from(NOW.plusSeconds(86_400))));
        patient.addAddress(future);
        patient.addAddress(new Address().setUse(Address.AddressUse.HOME).setCity("Springfield"));
        assertThat(BillingMapping.mailingAddress(patient, NOW)).isEmpty();
    }

    @Test
    void aNameGivenOnlyAsTextIsTheAddressee() {
        Patient patient = new Patient();
        patient.addName(new HumanName().setText("Pat Doe"));
        patient.addAddress(address("7 Oak Avenue", Address.AddressUse.HOME, null));
        assertThat(BillingMapping.mailingAddress(patient, NOW).orElseThrow().getName())
                .isEqualTo("Pat Doe");
    }

    private static ChargeItem chargeItem(String price) {
        ChargeItem item = new ChargeItem();
        item.setId("alex-charge-1");
        item.setStatus(ChargeItem.ChargeItemStatus.BILLABLE);
        item.setCode(new CodeableConcept()
                .addCoding(new Coding("http://www.ama-assn.org/go/cpt", "80053", "Comprehensive metabolic panel"))
                .setText("Comprehensive metabolic panel"));
        item.setSubject(new Reference("Patient/demo-alex"));
        item.setContext(new Reference("Encounter/alex-enc-last-month"));
        item.setOccurrence(new DateTimeType("2026-11-12T23:30:00-05:00"));
        Money money = new Money();
        money.setValue(new BigDecimal(price));
        money.setCurrency("USD");
        item.setPriceOverride(money);
        item.addAccount(new Reference("Account/acct-demo-alex"));
        return item;
    }

    private static Address address(String line, Address.AddressUse use, Address.AddressType type) {
        Address a = new Address()
                .addLine(line)
                .setCity("Springfield")
                .setState("MA")
                .setPostalCode("01104")
                .setCountry("US");
        a.setUse(use);
        if (type != null) {
            a.setType(type);
        }
        return a;
    }
}
