package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import health.portal.emr.adapter.EmrClient;
import health.portal.proto.events.v1.Outcome;
import health.portal.proto.records.v1.DocumentRequest;
import health.portal.proto.records.v1.ExportChunk;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.Interpretation;
import health.portal.proto.records.v1.LabReportPage;
import health.portal.proto.records.v1.PagedPatientRequest;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.VerifyPatientRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** What callers see: the data, paging, export, idempotent filing, bad input, unknown ids, EMR trouble, deadlines. */
class RecordsBehaviourTest extends GrpcTestBase {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @LocalServerPort
    int httpPort;

    @AfterEach
    void emrBackToHealth() {
        SharedSandbox.get().faults().reset();
        // the breaker may have opened during a fault test: wait for it to let calls through again
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(staffStub(newCorrelationId())
                                .getPatientProfile(PatientRequest.newBuilder()
                                        .setPatientId("demo-sam")
                                        .build())
                                .getFamilyName())
                        .isEqualTo("Okafor"));
    }

    @Test
    void ownHealthSummaryAndLabs() {
        HealthSummary s = stub(tokens.patient("demo-alex"), newCorrelationId())
                .getHealthSummary(
                        PatientRequest.newBuilder().setPatientId("demo-alex").build());
        assertThat(s.getPatient().getGivenName()).isEqualTo("Alex");
        assertThat(s.getPatient().getFamilyName()).isEqualTo("Rivera");
        assertThat(s.getAllergiesCount()).isEqualTo(2);
        assertThat(s.getMedicationsCount()).isEqualTo(3);
        assertThat(s.getVitalSignsCount()).isPositive();

        LabReportPage labs = stub(tokens.patient("demo-alex"), newCorrelationId())
                .listLabResults(PagedPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .build());
        assertThat(labs.getReportsList())
                .flatExtracting(r -> r.getResultsList())
                .filteredOn(r -> r.getId().equals("alex-obs-ldl"))
                .singleElement()
                .satisfies(ldl -> {
                    assertThat(ldl.getInterpretation()).isEqualTo(Interpretation.HIGH);
                    assertThat(ldl.getReferenceRange().getHigh()).isEqualTo(130.0);
                });
    }

    @Test
    void pagesAreWalkedWithTokens() {
        var first = stub(tokens.patient("demo-alex"), newCorrelationId())
                .listLabResults(PagedPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setPageSize(1)
                        .build());
        assertThat(first.getReportsCount()).isEqualTo(1);
        assertThat(first.getNextPageToken()).isNotEmpty();
        var second = stub(tokens.patient("demo-alex"), newCorrelationId())
                .listLabResults(PagedPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setPageSize(1)
                        .setPageToken(first.getNextPageToken())
                        .build());
        assertThat(second.getReportsCount()).isEqualTo(1);
        assertThat(second.getReports(0).getId())
                .isNotEqualTo(first.getReports(0).getId());
        assertThat(second.getNextPageToken()).isEmpty();
        assertThat(first.getReports(0).getIssuedAt().getSeconds())
                .isGreaterThanOrEqualTo(second.getReports(0).getIssuedAt().getSeconds()); // newest first
    }

    @Test
    void malformedInputIsInvalidArgumentAndAudited() {
        assertInvalid(
                tokens.staff(),
                s -> s.getPatientProfile(PatientRequest.newBuilder()
                        .setPatientId("../Patient?_id=x")
                        .build()),
                "");
        assertInvalid(tokens.staff(), s -> s.getHealthSummary(PatientRequest.getDefaultInstance()), "");
        assertInvalid(
                tokens.patient("demo-alex"),
                s -> s.listVisits(PagedPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setPageToken("not-a-token")
                        .build()),
                "demo-alex");
        assertInvalid(
                tokens.patient("demo-alex"),
                s -> s.listDocuments(PagedPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setPageSize(-3)
                        .build()),
                "demo-alex");
        assertInvalid(
                tokens.patient("demo-alex"),
                s -> s.getDocument(DocumentRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setDocumentId("x/../y")
                        .build()),
                "demo-alex");
        assertInvalid(
                tokens.service(),
                s -> s.fileCommunication(FileCommunicationRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setIdempotencyKey("k")
                        .setSenderReference("Patient/demo-alex")
                        .setText("hi")
                        .build()),
                "demo-alex");
        assertInvalid(
                tokens.service(),
                s -> s.fileCommunication(FileCommunicationRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setIdempotencyKey(UUID.randomUUID().toString())
                        .setSenderReference("http://elsewhere/Patient/1")
                        .setText("hi")
                        .build()),
                "demo-alex");
        assertInvalid(
                tokens.service("identity-service"),
                s -> s.verifyPatient(VerifyPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setBirthDate("15/03/1984")
                        .build()),
                "demo-alex");
    }

    private void assertInvalid(
            String token,
            java.util.function.Consumer<health.portal.proto.records.v1.RecordsServiceGrpc.RecordsServiceBlockingStub>
                    call,
            String auditedPatient) {
        String correlationId = newCorrelationId();
        StatusRuntimeException e =
                catchThrowableOfType(StatusRuntimeException.class, () -> call.accept(stub(token, correlationId)));
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isNotBlank();
        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.event().getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(entry.event().getDetail()).isEqualTo("INVALID_ARGUMENT");
        assertThat(entry.event().getPatientId()).isEqualTo(auditedPatient);
    }

    @Test
    void unknownPatientAndDocumentAreNotFound() {
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> staffStub(newCorrelationId())
                        .getPatientProfile(PatientRequest.newBuilder()
                                .setPatientId("no-such-patient")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> staffStub(newCorrelationId())
                        .listVisits(PagedPatientRequest.newBuilder()
                                .setPatientId("no-such-patient")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        // Alex's document asked for under Sam's id: as unknown as a document that does not exist
        e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> stub(tokens.patient("demo-sam"), newCorrelationId())
                        .getDocument(DocumentRequest.newBuilder()
                                .setPatientId("demo-sam")
                                .setDocumentId("alex-doc-visit-summary")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void verifyPatientRevealsNothingButMatch() {
        var service = stub(tokens.service("identity-service"), newCorrelationId());
        assertThat(service.verifyPatient(VerifyPatientRequest.newBuilder()
                                .setPatientId("demo-alex")
                                .setBirthDate("1984-03-15")
                                .build())
                        .getMatch())
                .isTrue();
        var wrongDate = stub(tokens.service("identity-service"), newCorrelationId())
                .verifyPatient(VerifyPatientRequest.newBuilder()
                        .setPatientId("demo-alex")
                        .setBirthDate("1984-03-16")
                        .build());
        var unknownId = stub(tokens.service("identity-service"), newCorrelationId())
                .verifyPatient(VerifyPatientRequest.newBuilder()
                        .setPatientId("no-such-patient")
                        .setBirthDate("1984-03-15")
                        .build());
        assertThat(wrongDate.getMatch()).isFalse();
        assertThat(unknownId).isEqualTo(wrongDate); // identical answers: no enumeration of ids
    }

    @Test
    void fileCommunicationTwiceFilesOnce() {
        String key = "it-" + UUID.randomUUID();
        FileCommunicationRequest request = FileCommunicationRequest.newBuilder()
                .setPatientId("demo-sam")
                .setIdempotencyKey(key)
                .setSenderReference("Patient/demo-sam")
                .setRecipientReference("Practitioner/pcp-lee")
                .setThreadId("thread-42")
                .setSubject("Inhaler")
                .setText("Could I get a refill?")
                .build();
        String first = stub(tokens.service(), newCorrelationId())
                .fileCommunication(request)
                .getCommunicationId();
        String second = stub(tokens.service(), newCorrelationId())
                .fileCommunication(request)
                .getCommunicationId();
        assertThat(first).isNotEmpty().isEqualTo(second);

        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient emr = FHIR.newRestfulGenericClient(SharedSandbox.get().fhirBaseUrl());
        Bundle filed = emr.search()
                .forResource(Communication.class)
                .where(new TokenClientParam("identifier")
                        .exactly()
                        .systemAndIdentifier(EmrClient.COMMUNICATION_KEY_SYSTEM, "demo-sam:" + key))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(filed.getEntry()).hasSize(1);
        assertThat(filed.getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isEqualTo(first);
    }

    @Test
    void exportStreamsTheWholeRecordAsOneBundle() throws Exception {
        IGenericClient emr = FHIR.newRestfulGenericClient(SharedSandbox.get().fhirBaseUrl());
        String synthea =
                emr
                        .search()
                        .forResource(Patient.class)
                        .count(50)
                        .returnBundle(Bundle.class)
                        .execute()
                        .getEntry()
                        .stream()
                        .map(e -> e.getResource().getIdElement().getIdPart())
                        .filter(id -> !id.startsWith("demo-"))
                        .findFirst()
                        .orElseThrow();
        Iterator<ExportChunk> chunks = staffStub(newCorrelationId())
                .exportRecord(PatientRequest.newBuilder().setPatientId(synthea).build());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int count = 0;
        while (chunks.hasNext()) {
            chunks.next().getData().writeTo(all);
            count++;
        }
        assertThat(count).isGreaterThan(1); // a Synthea record is larger than one 64 KiB chunk
        Bundle bundle =
                FHIR.newJsonParser().parseResource(Bundle.class, all.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertThat(bundle.getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isEqualTo(synthea);
        assertThat(bundle.getEntry())
                .extracting(e -> e.getResource().fhirType())
                .contains("Encounter", "Observation", "Condition");
    }

    @Test
    void anExportWhoseEmrFailsPartWayEndsWithTheFailureNotAsComplete() {
        String synthea = emrSyntheaPatient();
        // slow EMR pages: the export is still reading the EMR when its first chunk has arrived
        SharedSandbox.get().faults().delayEveryAnswer(Duration.ofMillis(150));
        Iterator<ExportChunk> chunks = staffStub(newCorrelationId())
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .exportRecord(PatientRequest.newBuilder().setPatientId(synthea).build());
        assertThat(chunks.next().getData().isEmpty()).isFalse();
        SharedSandbox.get().faults().failNext(100_000);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> {
            while (chunks.hasNext()) {
                chunks.next();
            }
        });
        assertThat(e).as("the stream ends with an error, not with OK").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    private static String emrSyntheaPatient() {
        IGenericClient emr = FHIR.newRestfulGenericClient(SharedSandbox.get().fhirBaseUrl());
        return emr
                .search()
                .forResource(Patient.class)
                .count(50)
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(e -> e.getResource().getIdElement().getIdPart())
                .filter(id -> !id.startsWith("demo-"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void emrOutageIsUnavailableAndThenFast() {
        SharedSandbox.get().faults().failNext(100_000);
        for (int i = 0; i < 3; i++) {
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> staffStub(newCorrelationId())
                            .getPatientProfile(PatientRequest.newBuilder()
                                    .setPatientId("demo-alex")
                                    .build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        }
        String correlationId = newCorrelationId();
        int pending = SharedSandbox.get().faults().pendingFailures();
        long t0 = System.nanoTime();
        StatusRuntimeException fast = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> staffStub(correlationId)
                        .getHealthSummary(PatientRequest.newBuilder()
                                .setPatientId("demo-alex")
                                .build()));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(fast.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        // the circuit is open: refused without asking the EMR at all
        assertThat(fast.getStatus().getDescription()).isEqualTo("EMR unavailable (recent calls failed; retry later)");
        assertThat(SharedSandbox.get().faults().pendingFailures()).isEqualTo(pending);
        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.event().getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(entry.event().getDetail()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void invalidFhirFromTheEmrIsInternal() {
        SharedSandbox.get().faults().answerInvalidNext(1);
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> staffStub(newCorrelationId())
                        .getPatientProfile(PatientRequest.newBuilder()
                                .setPatientId("demo-alex")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).isEqualTo("The EMR answered data that is not valid FHIR");
    }

    @Test
    void aCallPastItsDeadlineIsAbandoned() {
        SharedSandbox.get().faults().delayEveryAnswer(Duration.ofSeconds(5));
        String correlationId = newCorrelationId();
        long t0 = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> staffStub(correlationId)
                        .withDeadlineAfter(400, TimeUnit.MILLISECONDS)
                        .getHealthSummary(PatientRequest.newBuilder()
                                .setPatientId("demo-alex")
                                .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        // the server gave up at the deadline too: had it waited for the EMR, the outcome would be UNAVAILABLE
        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.event().getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(entry.event().getDetail()).isEqualTo("DEADLINE_EXCEEDED");
    }

    @Test
    void healthAndReadinessOverHttpOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
        HttpResponse<String> env = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/env"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(env.statusCode()).isIn(401, 403, 404);
    }
}
