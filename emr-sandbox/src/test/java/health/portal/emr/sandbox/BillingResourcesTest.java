package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import health.portal.emr.sandbox.seed.DemoPatients;
import health.portal.emr.sandbox.seed.SyntheaBuildStep;
import health.portal.emr.sandbox.seed.SyntheaClaims;
import health.portal.emr.sandbox.seed.SyntheaData;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The EMR's billing record: guarantor Accounts, ChargeItems and Invoices, hand-written for the demo patients and
 * derived from Synthea's claims for the generated ones, searchable by patient, subject, account and id.
 */
class BillingResourcesTest {

    private final IGenericClient client = SharedSandbox.client();

    private List<IBaseResource> all(String url) {
        return SharedSandbox.allPages(
                client, client.search().byUrl(url).returnBundle(Bundle.class).execute());
    }

    @SuppressWarnings("unchecked")
    private <T extends IBaseResource> List<T> all(String url, Class<T> type) {
        return (List<T>) all(url).stream().map(type::cast).toList();
    }

    @Test
    void eachDemoPatientHasOneGuarantorAccountInDollars() {
        Account alex = all("Account?patient=demo-alex", Account.class).getFirst();
        assertThat(all("Account?patient=demo-alex")).hasSize(1);
        assertThat(alex.getIdPart()).isEqualTo("acct-demo-alex");
        assertThat(alex.getName()).isEqualTo("Guarantor account");
        assertThat(alex.getStatus()).isEqualTo(Account.AccountStatus.ACTIVE);
        assertThat(((CodeType) alex.getExtensionByUrl(SyntheaClaims.ACCOUNT_CURRENCY_EXTENSION)
                                .getValue())
                        .getValue())
                .isEqualTo("USD");
        assertThat(alex.getGuarantorFirstRep().getParty().getReference()).isEqualTo("Patient/demo-alex");
        assertThat(all("Account?subject=Patient/demo-sam"))
                .extracting(r -> r.getIdElement().getIdPart())
                .containsExactly("acct-demo-sam");
        assertThat(all("Account?_id=acct-demo-sam&patient=demo-alex")).isEmpty();
        assertThat(all("Account?_id=acct-demo-sam")).hasSize(1);
    }

    @Test
    void demoChargesAreCentExactSomeInThePreviousCalendarMonthAndEachForOneOfThePatientsVisits() {
        List<ChargeItem> charges = all("ChargeItem?account=acct-demo-alex&_count=100", ChargeItem.class);
        assertThat(charges).hasSize(9);
        assertThat(charges.stream().map(c -> c.getPriceOverride().getValue()).reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualByComparingTo("921.25");
        assertThat(charges).allSatisfy(c -> {
            assertThat(c.getPriceOverride().getCurrency()).isEqualTo("USD");
            assertThat(c.getPriceOverride().getValue().stripTrailingZeros().scale())
                    .isLessThanOrEqualTo(2);
            assertThat(c.getCode().getText()).isNotBlank();
            assertThat(c.getSubject().getReference()).isEqualTo("Patient/demo-alex");
            Encounter visit = client.read()
                    .resource(Encounter.class)
                    .withUrl(c.getContext().getReference())
                    .execute();
            assertThat(visit.getSubject().getReference()).isEqualTo("Patient/demo-alex");
        });
        assertThat(charges)
                .extracting(c -> c.getCode().getText())
                .contains("Office visit, established patient", "Comprehensive metabolic panel");
        YearMonth lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
        List<ChargeItem> previousMonth = charges.stream()
                .filter(c -> YearMonth.from(serviceDate(c)).equals(lastMonth))
                .toList();
        assertThat(previousMonth).hasSize(2);
        assertThat(charges.size() - previousMonth.size()).isEqualTo(7);
        assertThat(charges)
                .allSatisfy(c -> assertThat(serviceDate(c))
                        .isBefore(lastMonth.plusMonths(1).atDay(1)));

        assertThat(all("ChargeItem?patient=demo-sam")).hasSize(4);
        assertThat(all("ChargeItem?subject=Patient/demo-sam&_count=100", ChargeItem.class))
                .allSatisfy(c -> assertThat(c.getIdPart()).startsWith("sam-"));
        assertThat(all("ChargeItem?account=acct-demo-sam&subject=Patient/demo-alex"))
                .isEmpty();
    }

    @Test
    void aStatementsLinesAreFoundByIdOnlyInTheirOwnersRecord() {
        assertThat(all("ChargeItem?_id=alex-charge-last-month-1,alex-charge-last-month-2&patient=demo-alex"))
                .extracting(r -> r.getIdElement().getIdPart())
                .containsExactlyInAnyOrder("alex-charge-last-month-1", "alex-charge-last-month-2");
        assertThat(all("ChargeItem?_id=alex-charge-last-month-1&patient=demo-sam"))
                .isEmpty();
        assertThat(all("ChargeItem?_id=no-such-charge")).isEmpty();
    }

    @Test
    void demoInvoicesListTheirChargesAndTotalThem() {
        List<Invoice> invoices = all("Invoice?subject=demo-alex", Invoice.class);
        assertThat(invoices).hasSize(4);
        for (Invoice invoice : invoices) {
            BigDecimal lines = BigDecimal.ZERO;
            for (Invoice.InvoiceLineItemComponent line : invoice.getLineItem()) {
                ChargeItem charge = client.read()
                        .resource(ChargeItem.class)
                        .withUrl(line.getChargeItemReference().getReference())
                        .execute();
                lines = lines.add(charge.getPriceOverride().getValue());
            }
            assertThat(invoice.getTotalGross().getValue()).isEqualByComparingTo(lines);
        }
    }

    @Test
    void demoPatientsHaveAMailingAddress() {
        for (String id : List.of(DemoPatients.ALEX, DemoPatients.SAM)) {
            Patient patient = client.read().resource(Patient.class).withId(id).execute();
            assertThat(patient.getAddress()).anySatisfy(a -> {
                assertThat(a.getLine()).isNotEmpty();
                assertThat(a.getCity()).isNotBlank();
                assertThat(a.getPostalCode()).isNotBlank();
            });
        }
    }

    /**
     * Each generated patient's Claims, read from the Synthea set itself, come back as charges: one per item with a
     * net price (else one of the claim's total), for the claim's encounter, and an Invoice per claim that totals them.
     */
    @Test
    void syntheaClaimsBecomeChargeItemsAndInvoicesOfTheGuarantorAccount() throws IOException {
        Map<String, List<Claim>> claimsByPatient = syntheaClaims();
        assertThat(claimsByPatient).hasSize(10);
        for (Map.Entry<String, List<Claim>> patient : claimsByPatient.entrySet()) {
            String id = patient.getKey();
            List<Claim> claims = patient.getValue();
            assertThat(all("Account?patient=" + id))
                    .extracting(r -> r.getIdElement().getIdPart())
                    .containsExactly("acct-" + id);
            List<ChargeItem> charges = all("ChargeItem?patient=" + id + "&_count=500", ChargeItem.class);
            long expected =
                    claims.stream().mapToLong(BillingResourcesTest::billedItems).sum();
            assertThat(charges).as(id).hasSize((int) expected);
            assertThat(charges).allSatisfy(c -> {
                assertThat(c.getAccountFirstRep().getReference()).isEqualTo("Account/acct-" + id);
                assertThat(c.getSubject().getReference()).isEqualTo("Patient/" + id);
                assertThat(c.getContext().getReference()).startsWith("Encounter/");
                assertThat(c.getCode().getCodingFirstRep().getCode()).isNotBlank();
                assertThat(c.getPriceOverride().getCurrency()).isEqualTo("USD");
                assertThat(c.getPriceOverride().getValue().signum()).isPositive();
                assertThat(c.hasOccurrenceDateTimeType()).isTrue();
            });
            List<Invoice> invoices = all("Invoice?subject=Patient/" + id + "&_count=500", Invoice.class);
            assertThat(invoices).hasSize((int)
                    claims.stream().filter(c -> billedItems(c) > 0).count());
            Map<String, BigDecimal> price = new HashMap<>();
            charges.forEach(c -> price.put(
                    "ChargeItem/" + c.getIdPart(), c.getPriceOverride().getValue()));
            assertThat(invoices)
                    .allSatisfy(invoice -> assertThat(invoice.getTotalGross().getValue())
                            .isEqualByComparingTo(invoice.getLineItem().stream()
                                    .map(l ->
                                            price.get(l.getChargeItemReference().getReference()))
                                    .reduce(BigDecimal.ZERO, BigDecimal::add)));
        }
        String oneEncounter = all(
                        "ChargeItem?patient="
                                + claimsByPatient.keySet().iterator().next(),
                        ChargeItem.class)
                .getFirst()
                .getContext()
                .getReference();
        assertThat(all("ChargeItem?context=" + oneEncounter)).isNotEmpty();
    }

    /** The claims of the packaged Synthea set, by patient id, as Synthea wrote them. */
    private static Map<String, List<Claim>> syntheaClaims() throws IOException {
        IParser parser = SharedSandbox.fhir().newJsonParser();
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        Map<String, List<Claim>> byPatient = new HashMap<>();
        for (SyntheaData.BundleFile file :
                SyntheaData.bundles(SyntheaBuildStep.DEFAULT_SET, BillingResourcesTest.class.getClassLoader())) {
            try (InputStream in = file.open()) {
                Bundle bundle = parser.parseResource(Bundle.class, in);
                String patientId = bundle.getEntry().stream()
                        .map(Bundle.BundleEntryComponent::getResource)
                        .filter(r -> r instanceof Patient)
                        .map(r -> r.getIdElement().getIdPart())
                        .findFirst()
                        .orElse(null);
                if (patientId != null) {
                    byPatient.put(
                            patientId,
                            bundle.getEntry().stream()
                                    .map(Bundle.BundleEntryComponent::getResource)
                                    .filter(r -> r instanceof Claim)
                                    .map(Claim.class::cast)
                                    .toList());
                }
            }
        }
        return byPatient;
    }

    /** Items with a price above zero, else the claim's total as one charge, else nothing. */
    private static long billedItems(Claim claim) {
        long priced = claim.getItem().stream()
                .filter(i -> i.hasNet() && i.getNet().getValue().signum() > 0)
                .count();
        return priced > 0
                ? priced
                : claim.getTotal().hasValue() && claim.getTotal().getValue().signum() > 0 ? 1 : 0;
    }

    private static LocalDate serviceDate(ChargeItem charge) {
        return LocalDate.parse(
                charge.getOccurrenceDateTimeType().getValueAsString().substring(0, 10));
    }
}
