package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import health.portal.emr.sandbox.EmrSandbox;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.Interpretation;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.Visit;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The adapter against the real HAPI FHIR sandbox: Synthea patients, the demo patients, and its fault switches. */
class EmrSandboxTest {

    private static EmrSandbox sandbox;
    private static EmrClient emr;
    private static IGenericClient raw;
    private static List<String> syntheaPatients;

    @BeforeAll
    static void start() {
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults());
        // small FHIR pages so that every list below crosses several _getpages links
        emr = new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl())
                .withSearchPageSize(7)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
        FhirContext ctx = FhirContext.forR4();
        ctx.getRestfulClientFactory()
                .setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
        raw = ctx.newRestfulGenericClient(sandbox.fhirBaseUrl());
        syntheaPatients = new ArrayList<>();
        Bundle page = raw.search()
                .forResource(Patient.class)
                .count(50)
                .returnBundle(Bundle.class)
                .execute();
        while (page != null) {
            page.getEntry().stream()
                    .map(e -> e.getResource().getIdElement().getIdPart())
                    .filter(id -> !id.startsWith("demo-"))
                    .forEach(syntheaPatients::add);
            page = page.getLink("next") == null
                    ? null
                    : raw.loadPage().next(page).execute();
        }
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
    void demoPatientSummary() {
        HealthSummary s = emr.healthSummary("demo-alex");
        assertThat(s.getPatient())
                .isEqualTo(PatientProfile.newBuilder()
                        .setPatientId("demo-alex")
                        .setGivenName("Alex")
                        .setFamilyName("Rivera")
                        .setBirthDate("1984-03-15")
                        .setSex("female")
                        .build());
        assertThat(s.getAllergiesCount()).isEqualTo(2);
        assertThat(s.getProblemsCount()).isEqualTo(3);
        assertThat(s.getMedicationsList()).extracting(m -> m.getStatus()).containsOnly("active");
        assertThat(s.getMedicationsCount()).isEqualTo(3);
        assertThat(s.getImmunizationsCount()).isEqualTo(2);
        // latest of each vital sign: the October blood pressure, not June's
        assertThat(s.getVitalSignsList())
                .filteredOn(v -> v.getCode().getCode().equals("85354-9"))
                .singleElement()
                .satisfies(bp -> assertThat(bp.getId()).isEqualTo("alex-vital-bp-2025-10-02"));
        assertThat(s.getVitalSignsList()).extracting(LabResult::getCategory).containsOnly("vital-signs");
    }

    @Test
    void demoPatientLabsWithRangesAndFlags() {
        Page<LabReport> page = emr.labReports("demo-alex", 0, "");
        assertThat(page.items())
                .extracting(LabReport::getId)
                .containsExactlyInAnyOrder("alex-report-lipid-panel", "alex-report-cbc");
        List<LabResult> results =
                page.items().stream().flatMap(r -> r.getResultsList().stream()).toList();
        assertThat(results).hasSize(7);
        LabResult ldl = results.stream()
                .filter(r -> r.getId().equals("alex-obs-ldl"))
                .findFirst()
                .orElseThrow();
        assertThat(ldl.getNumericValue()).isEqualTo(142.0);
        assertThat(ldl.getValueText()).isEqualTo("142 mg/dL");
        assertThat(ldl.getReferenceRange().hasLow()).isFalse();
        assertThat(ldl.getReferenceRange().getHigh()).isEqualTo(130.0);
        assertThat(ldl.getInterpretation()).isEqualTo(Interpretation.HIGH);
        LabResult hgb = results.stream()
                .filter(r -> r.getId().equals("alex-obs-hemoglobin"))
                .findFirst()
                .orElseThrow();
        assertThat(hgb.getReferenceRange().getLow()).isEqualTo(12.0);
        assertThat(hgb.getReferenceRange().getHigh()).isEqualTo(15.5);
        assertThat(hgb.getInterpretation()).isEqualTo(Interpretation.LOW);
        assertThat(results)
                .filteredOn(r -> r.getInterpretation() == Interpretation.NORMAL)
                .hasSize(5);
    }

    @Test
    void demoPatientAppointmentsAndDocument() {
        var appointments = emr.appointments("demo-alex", 0, "").items();
        assertThat(appointments)
                .hasSize(3)
                .allSatisfy(a -> assertThat(a.getParticipantsList()).doesNotContain("Alex Rivera"));
        assertThat(appointments)
                .filteredOn(a -> a.getTelemedicine())
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.getId()).isEqualTo("alex-appt-video-visit");
                    assertThat(a.getServiceType()).isEqualTo("Video visit");
                    assertThat(a.getTelemedicineNotice()).contains("complete physical exam");
                });
        var docs = emr.documents("demo-alex", 0, "").items();
        assertThat(docs).extracting(d -> d.getTitle()).contains("Visit summary");
        var content = emr.document("demo-alex", "alex-doc-visit-summary").orElseThrow();
        assertThat(content.getContent().toString(StandardCharsets.UTF_8)).startsWith("Visit summary");
        assertThat(emr.document("demo-sam", "alex-doc-visit-summary")).isEmpty();
    }

    @Test
    void everySyntheaPatientMapsAndPagingFindsEverything() {
        assertThat(syntheaPatients).hasSizeGreaterThanOrEqualTo(5);
        for (String id : syntheaPatients) {
            HealthSummary s = emr.healthSummary(id);
            assertThat(s.getPatient().getPatientId()).isEqualTo(id);
            assertThat(s.getPatient().getFamilyName()).isNotEmpty();
            assertThat(s.getPatient().getBirthDate()).matches("\\d{4}-\\d{2}-\\d{2}");
            s.getVitalSignsList().forEach(v -> assertThat(v.getValueText()).isNotEmpty());

            // walk all visit pages: the count must equal what the EMR holds, newest first, no duplicates
            int total = raw.search()
                    .forResource(Encounter.class)
                    .where(Encounter.PATIENT.hasId(id))
                    .count(1000)
                    .returnBundle(Bundle.class)
                    .execute()
                    .getTotal();
            List<Visit> visits = new ArrayList<>();
            String token = "";
            do {
                Page<Visit> p = emr.visits(id, 25, token);
                visits.addAll(p.items());
                token = p.nextPageToken();
            } while (!token.isEmpty());
            assertThat(visits).hasSize(total);
            assertThat(visits).extracting(Visit::getId).doesNotHaveDuplicates();
            for (int i = 1; i < visits.size(); i++) {
                assertThat(visits.get(i - 1).getStart().getSeconds())
                        .isGreaterThanOrEqualTo(visits.get(i).getStart().getSeconds());
            }
            emr.labReports(id, 0, "")
                    .items()
                    .forEach(r -> assertThat(r.getName()).isNotEmpty());
        }
    }

    @Test
    void exportOfASyntheaPatient() {
        String id = syntheaPatients.get(0);
        Bundle b = Exports.bundle(emr, id);
        assertThat(b.getEntryFirstRep().getResource().fhirType()).isEqualTo("Patient");
        assertThat(b.getEntry())
                .extracting(e -> e.getResource().fhirType())
                .contains("Encounter", "Observation", "Condition");
        // every resource once, though pages of 7 cut each search many times
        assertThat(b.getEntry())
                .extracting(e -> e.getResource().fhirType() + "/"
                        + e.getResource().getIdElement().getIdPart())
                .doesNotHaveDuplicates();
    }

    @Test
    void exportOfASyntheaPatientIsValidFhir() {
        String json = Exports.json(emr, syntheaPatients.get(0));
        FhirContext ctx = emr.fhirContext();
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx)));
        // the resources name US Core profiles, which HAPI does not ship: they are checked against base R4
        instanceValidator.setErrorForUnknownProfiles(false);
        FhirValidator validator = ctx.newValidator().registerValidatorModule(instanceValidator);

        assertThat(errors(validator, json)).isEmpty();
        // the check is the one that found the old export's Bundle.total
        assertThat(errors(validator, json.replaceFirst("\"entry\":\\[", "\"total\":1,\"entry\":[")))
                .anySatisfy(e -> assertThat(e).contains("bdl-1"));
    }

    private static List<String> errors(FhirValidator validator, String json) {
        ValidationResult result = validator.validateWithResult(json);
        return result.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .map(m -> m.getLocationString() + ": " + m.getMessage())
                .toList();
    }

    @Test
    void anExportWhoseEmrFailsPartWayThrowsAndStaysUnclosed() throws Exception {
        // its own client with one attempt per read: the shared client's circuit stays closed for the other tests
        EmrClient once =
                new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl()).withRetry(1, Duration.ofMillis(1)));
        BundleExport export = once.openExport(syntheaPatients.get(0));
        sandbox.faults().failNext(1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThatThrownBy(() -> export.writeTo(out)).isInstanceOf(EmrUnavailableException.class);
        String written = out.toString(StandardCharsets.UTF_8);
        assertThat(written).doesNotEndWith("]}");
    }

    @Test
    void communicationIsFiledOncePerKey() {
        String key = "msg-" + UUID.randomUUID();
        FileCommunicationRequest req = FileCommunicationRequest.newBuilder()
                .setPatientId("demo-sam")
                .setIdempotencyKey(key)
                .setSenderReference("Patient/demo-sam")
                .setRecipientReference("Practitioner/pcp-lee")
                .setThreadId("thread-1")
                .setSubject("Refill")
                .setText("Please renew my inhaler.")
                .build();
        String first = emr.fileCommunication(req);
        String second = emr.fileCommunication(req);
        assertThat(second).isEqualTo(first);
        Bundle filed = raw.search()
                .forResource(Communication.class)
                .where(new TokenClientParam("identifier")
                        .exactly()
                        .systemAndIdentifier(EmrClient.COMMUNICATION_KEY_SYSTEM, "demo-sam:" + key))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(filed.getEntry()).hasSize(1);
        Communication c = (Communication) filed.getEntryFirstRep().getResource();
        assertThat(c.getPayloadFirstRep().getContentStringType().getValue()).isEqualTo("Please renew my inhaler.");
        assertThat(c.getSubject().getReference()).isEqualTo("Patient/demo-sam");
        // the same key for another patient is another message
        assertThat(emr.fileCommunication(req.toBuilder()
                        .setPatientId("demo-alex")
                        .setSenderReference("Patient/demo-alex")
                        .build()))
                .isNotEqualTo(first);
    }

    @Test
    void questionnaireAndResponse() {
        var q = emr.questionnaire("pre-visit-check-in").orElseThrow();
        assertThat(emr.activeQuestionnaires())
                .extracting(x -> x.getIdElement().getIdPart())
                .contains("pre-visit-check-in");
        QuestionnaireResponse answer = new QuestionnaireResponse();
        answer.setQuestionnaire(q.getUrl());
        answer.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        answer.addItem().setLinkId("reason").addAnswer().setValue(new org.hl7.fhir.r4.model.StringType("Follow-up"));
        String key = "qr-" + UUID.randomUUID();
        String id = emr.fileQuestionnaireResponse("demo-alex", key, answer);
        assertThat(emr.fileQuestionnaireResponse("demo-alex", key, answer)).isEqualTo(id);
        assertThat(emr.questionnaireResponses("demo-alex"))
                .extracting(r -> r.getIdElement().getIdPart())
                .contains(id);
    }

    @Test
    void outageOpensTheCircuitThenItRecovers() {
        EmrClient fragile = new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withRetry(2, Duration.ofMillis(20))
                .withCircuitBreaker(50f, 4, 4, Duration.ofSeconds(2)));
        sandbox.faults().failNext(1000);
        assertThatThrownBy(() -> fragile.patientProfile("demo-alex")).isInstanceOf(EmrUnavailableException.class);
        assertThatThrownBy(() -> fragile.patientProfile("demo-alex")).isInstanceOf(EmrUnavailableException.class);
        assertThat(fragile.guard().circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        int pendingBefore = sandbox.faults().pendingFailures();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> fragile.healthSummary("demo-alex"))
                .isInstanceOfSatisfying(
                        EmrUnavailableException.class,
                        e -> assertThat(e.circuitOpen()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(sandbox.faults().pendingFailures()).isEqualTo(pendingBefore); // nothing reached the EMR

        sandbox.faults().reset();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(
                        () -> assertThat(fragile.patientProfile("demo-alex")).isPresent());
        assertThat(fragile.guard().circuitState()).isIn(CircuitBreaker.State.CLOSED, CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void aSingleFailureIsHiddenByTheRetry() {
        sandbox.faults().failNext(1);
        assertThat(emr.patientProfile("demo-sam")).isPresent();
        assertThat(sandbox.faults().pendingFailures()).isZero();
    }

    @Test
    void invalidFhirIsTyped() {
        sandbox.faults().answerInvalidNext(1);
        assertThatThrownBy(() -> emr.healthSummary("demo-alex")).isInstanceOf(EmrInvalidDataException.class);
    }

    @Test
    void aSlowEmrFailsWithinTheTimeouts() {
        EmrClient impatient = new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500))
                .withRetry(2, Duration.ofMillis(20)));
        sandbox.faults().delayEveryAnswer(Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> impatient.patientProfile("demo-alex")).isInstanceOf(EmrUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .isLessThan(Duration.ofSeconds(4)); // the EMR would take 5 s
    }
}
