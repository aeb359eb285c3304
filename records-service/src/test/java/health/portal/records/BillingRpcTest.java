package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import health.portal.proto.events.v1.Outcome;
import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.ChargeList;
import health.portal.proto.records.v1.ListChargesRequest;
import health.portal.proto.records.v1.MailingAddress;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc.RecordsServiceBlockingStub;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What billing-service gets from records-service over gRPC, against the sandbox: the patient's guarantor accounts,
 * the charges of one of them (all, or a statement's lines) with what each was for, and where paper statements go.
 * Another patient's account is NOT_FOUND, an EMR outage UNAVAILABLE, a price that is not exact in cents INTERNAL;
 * every call is audited without the descriptions or the address it returned.
 */
class BillingRpcTest extends GrpcTestBase {

    private static final String ALEX = "demo-alex";
    private static final String SAM = "demo-sam";

    private RecordsServiceBlockingStub billing(String correlationId) {
        return stub(tokens.service("billing-service"), correlationId);
    }

    private RecordsServiceBlockingStub billing() {
        return billing(newCorrelationId());
    }

    private static PatientRequest patient(String id) {
        return PatientRequest.newBuilder().setPatientId(id).build();
    }

    private static ListChargesRequest charges(String patientId, String accountId, String... chargeItemIds) {
        return ListChargesRequest.newBuilder()
                .setPatientId(patientId)
                .setAccountId(accountId)
                .addAllChargeItemIds(List.of(chargeItemIds))
                .build();
    }

    @AfterEach
    void emrBackToHealth() {
        SharedSandbox.get().faults().reset();
        // an outage test may have opened the breaker: wait until calls go through again
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(
                                billing().listBillingAccounts(patient(SAM)).getAccountsCount())
                        .isEqualTo(1));
    }

    @Test
    void thePatientsGuarantorAccount() {
        String correlationId = newCorrelationId();
        List<BillingAccount> accounts =
                billing(correlationId).listBillingAccounts(patient(ALEX)).getAccountsList();
        assertThat(accounts).singleElement().satisfies(a -> {
            assertThat(a.getAccountId()).isEqualTo("acct-demo-alex");
            assertThat(a.getName()).isEqualTo("Guarantor account");
            assertThat(a.getCurrency()).isEqualTo("USD");
            assertThat(a.getActive()).isTrue();
            assertThat(a.getGuarantorReference()).isEqualTo("Patient/demo-alex");
        });
        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.event().getAction()).isEqualTo("records.ListBillingAccounts");
        assertThat(entry.event().getPatientId()).isEqualTo(ALEX);
        assertThat(entry.event().getActorId()).isEqualTo("service-account-billing-service");
        assertThat(entry.event().getOutcome()).isEqualTo(Outcome.SUCCESS);

        StatusRuntimeException unknown = catchThrowableOfType(
                StatusRuntimeException.class, () -> billing().listBillingAccounts(patient("nobody")));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void everyChargeOfTheAccountWithWhatItWasForAndNothingOfItInTheAudit() {
        String correlationId = newCorrelationId();
        ChargeList list = billing(correlationId).listCharges(charges(ALEX, "acct-demo-alex"));
        assertThat(list.getChargesList()).hasSize(9);
        assertThat(list.getChargesList().stream()
                        .mapToLong(Charge::getAmountMinor)
                        .sum())
                .isEqualTo(92_125);
        assertThat(list.getChargesList()).extracting(Charge::getServiceDate).isSorted();
        assertThat(list.getChargesList())
                .extracting(Charge::getDescription)
                .contains("Office visit, established patient", "Comprehensive metabolic panel");
        assertThat(list.getChargesList()).allSatisfy(c -> {
            assertThat(c.getCurrency()).isEqualTo("USD");
            assertThat(c.getAccountId()).isEqualTo("acct-demo-alex");
            assertThat(c.getEncounterReference()).startsWith("Encounter/");
            assertThat(c.getInvoiceId()).isNotEmpty();
        });
        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.event().getAction()).isEqualTo("records.ListCharges");
        assertThat(entry.event().getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(entry.envelope().toString()).doesNotContain("Office visit", "metabolic", "Lipid", "Rivera");
    }

    @Test
    void aStatementsLinesOnly() {
        ChargeList lines = billing()
                .listCharges(charges(ALEX, "acct-demo-alex", "alex-charge-last-month-1", "alex-charge-last-month-2"));
        assertThat(lines.getChargesList())
                .extracting(Charge::getChargeItemId)
                .containsExactlyInAnyOrder("alex-charge-last-month-1", "alex-charge-last-month-2");
        assertThat(lines.getChargesList().stream()
                        .mapToLong(Charge::getAmountMinor)
                        .sum())
                .isEqualTo(18_645 + 6_435);
        // a line of another patient's account is not among this account's, whatever the caller names
        assertThat(billing()
                        .listCharges(charges(ALEX, "acct-demo-alex", "sam-charge-last-month-1"))
                        .getChargesList())
                .isEmpty();
    }

    @Test
    void anotherPatientsOrAnUnknownAccountIsNotFound() {
        for (String account : List.of("acct-demo-sam", "acct-nobody")) {
            String correlationId = newCorrelationId();
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class, () -> billing(correlationId).listCharges(charges(ALEX, account)));
            assertThat(e.getStatus().getCode()).as(account).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).isEqualTo("No such account for this patient");
            AuditLog.Entry entry = audit().awaitOne(correlationId);
            assertThat(entry.event().getOutcome()).isEqualTo(Outcome.FAILED);
            assertThat(entry.event().getDetail()).isEqualTo("NOT_FOUND");
        }
        StatusRuntimeException bad = catchThrowableOfType(
                StatusRuntimeException.class, () -> billing().listCharges(charges(ALEX, "acct/../x")));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException badLine = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> billing().listCharges(charges(ALEX, "acct-demo-alex", "not an id")));
        assertThat(badLine.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void aPriceThatIsNotExactInCentsIsRefusedNotRounded() {
        String patientId = "billing-" + UUID.randomUUID().toString().substring(0, 8);
        Patient patient = new Patient();
        patient.setId(patientId);
        patient.addName(new HumanName().setFamily("Tester").addGiven("Pat"));
        SharedSandbox.get().record(patient);
        Account account = new Account();
        account.setId("acct-" + patientId);
        account.setStatus(Account.AccountStatus.ACTIVE);
        account.setName("Guarantor account");
        account.addSubject(new Reference("Patient/" + patientId));
        SharedSandbox.get().record(account);
        ChargeItem item = new ChargeItem();
        item.setId(patientId + "-charge");
        item.setStatus(ChargeItem.ChargeItemStatus.BILLABLE);
        item.setCode(new CodeableConcept().setText("Secret-canary procedure"));
        item.setSubject(new Reference("Patient/" + patientId));
        item.addAccount(new Reference("Account/acct-" + patientId));
        item.setOccurrence(new DateTimeType("2026-11-03"));
        Money price = new Money();
        price.setValue(new BigDecimal("12.345"));
        price.setCurrency("USD");
        item.setPriceOverride(price);
        SharedSandbox.get().record(item);

        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class, () -> billing().listCharges(charges(patientId, "acct-" + patientId)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).doesNotContain("canary");

        // and a patient without any address has no mailing address
        StatusRuntimeException noAddress = catchThrowableOfType(
                StatusRuntimeException.class, () -> billing().getMailingAddress(patient(patientId)));
        assertThat(noAddress.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void whereThePatientsPaperStatementsGo() {
        String correlationId = newCorrelationId();
        MailingAddress sam = billing(correlationId).getMailingAddress(patient(SAM));
        assertThat(sam.getName()).isEqualTo("Sam Okafor");
        assertThat(sam.getLinesList()).containsExactly("7 Oak Avenue");
        assertThat(sam.getCity()).isEqualTo("Springfield");
        assertThat(sam.getState()).isEqualTo("MA");
        assertThat(sam.getPostalCode()).isEqualTo("01104");
        assertThat(sam.getCountry()).isEqualTo("US");
        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.event().getAction()).isEqualTo("records.GetMailingAddress");
        assertThat(entry.envelope().toString()).doesNotContain("Oak Avenue", "01104");

        StatusRuntimeException unknown = catchThrowableOfType(
                StatusRuntimeException.class, () -> billing().getMailingAddress(patient("nobody")));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void anEmrOutageIsUnavailable() {
        SharedSandbox.get().faults().failNext(100_000);
        for (var call : List.<Runnable>of(
                () -> billing().listBillingAccounts(patient(ALEX)),
                () -> billing().listCharges(charges(ALEX, "acct-demo-alex")),
                () -> billing().getMailingAddress(patient(ALEX)))) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
    }

    @Test
    void patientsAndOtherServicesMayNotCallTheBillingRpcs() {
        for (String token :
                List.of(tokens.patient(ALEX), tokens.service("messaging-service"), tokens.service(), tokens.staff())) {
            RecordsServiceBlockingStub stub = stub(token, newCorrelationId());
            for (var call : List.<Runnable>of(
                    () -> stub.listBillingAccounts(patient(ALEX)),
                    () -> stub.listCharges(charges(ALEX, "acct-demo-alex")),
                    () -> stub.getMailingAddress(patient(ALEX)))) {
                StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            }
        }
    }
}
