package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.emr.sandbox.EmrSandbox;
import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.MailingAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/** The adapter's billing reads against the sandbox: the demo patients' accounts, charges and mailing addresses. */
class EmrBillingTest {

    private static EmrSandbox sandbox;
    private static EmrClient emr;

    @BeforeAll
    static void start() {
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults());
        // small pages: the charges cross several _getpages links
        emr = new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl())
                .withSearchPageSize(3)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void resetFaults() {
        sandbox.faults().reset();
    }

    @Test
    void thePatientsGuarantorAccount() {
        List<BillingAccount> accounts = emr.billingAccounts("demo-alex");
        assertThat(accounts).singleElement().satisfies(a -> {
            assertThat(a.getAccountId()).isEqualTo("acct-demo-alex");
            assertThat(a.getName()).isEqualTo("Guarantor account");
            assertThat(a.getCurrency()).isEqualTo("USD");
            assertThat(a.getActive()).isTrue();
            assertThat(a.getGuarantorReference()).isEqualTo("Patient/demo-alex");
        });
        assertThatThrownBy(() -> emr.billingAccounts("nobody")).isInstanceOf(UnknownPatientException.class);
    }

    @Test
    void everyChargeOfTheAccountOldestFirstInExactCentsWithItsInvoice() {
        List<Charge> charges =
                emr.charges("demo-alex", "acct-demo-alex", List.of()).orElseThrow();
        assertThat(charges).hasSize(9);
        assertThat(charges.stream().mapToLong(Charge::getAmountMinor).sum()).isEqualTo(92_125);
        assertThat(charges).extracting(Charge::getServiceDate).isSorted();
        assertThat(charges.getFirst().getServiceDate()).isEqualTo("2025-06-10");
        assertThat(charges).allSatisfy(c -> {
            assertThat(c.getAccountId()).isEqualTo("acct-demo-alex");
            assertThat(c.getCurrency()).isEqualTo("USD");
            assertThat(c.getDescription()).isNotBlank();
            assertThat(c.getCode()).startsWith("http://www.ama-assn.org/go/cpt|");
            assertThat(c.getEncounterReference()).startsWith("Encounter/alex-enc-");
            assertThat(c.getInvoiceId()).startsWith("alex-invoice-");
        });
        String lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
        assertThat(charges)
                .filteredOn(c -> c.getServiceDate().startsWith(lastMonth))
                .extracting(Charge::getDescription, Charge::getAmountMinor)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                "Office visit, established patient, moderate complexity", 18_645L),
                        org.assertj.core.groups.Tuple.tuple("Comprehensive metabolic panel", 6_435L));
    }

    @Test
    void aStatementsLinesByIdOnlyFromTheNamedAccountOfThePatient() {
        assertThat(emr.charges(
                                "demo-alex",
                                "acct-demo-alex",
                                List.of("alex-charge-last-month-2", "sam-charge-last-month-1"))
                        .orElseThrow())
                .extracting(Charge::getChargeItemId)
                .containsExactly("alex-charge-last-month-2");
        // another patient's account is no account of this patient, and looks like one that does not exist
        assertThat(emr.charges("demo-alex", "acct-demo-sam", List.of())).isEmpty();
        assertThat(emr.charges("demo-alex", "acct-nobody", List.of())).isEmpty();
        assertThatThrownBy(() -> emr.charges("demo-alex", "acct/../x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emr.charges("demo-alex", "acct-demo-alex", List.of("bad id")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMailingAddressFromThePatientsRecord() {
        MailingAddress sam = emr.mailingAddress("demo-sam").orElseThrow();
        assertThat(sam.getName()).isEqualTo("Sam Okafor");
        assertThat(sam.getLinesList()).containsExactly("7 Oak Avenue");
        assertThat(sam.getCity()).isEqualTo("Springfield");
        assertThat(sam.getPostalCode()).isEqualTo("01104");
        assertThat(emr.mailingAddress("nobody")).isEmpty();
    }

    @Test
    void anEmrOutageIsAnOutage() {
        // its own client: the failures open its circuit breaker, which the other tests must not inherit
        EmrClient failing = new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl()));
        sandbox.faults().failNext(50);
        assertThatThrownBy(() -> failing.charges("demo-sam", "acct-demo-sam", List.of()))
                .isInstanceOf(EmrUnavailableException.class);
    }
}
