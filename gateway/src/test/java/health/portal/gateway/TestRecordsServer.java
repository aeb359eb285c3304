package health.portal.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import health.portal.proto.records.v1.Allergy;
import health.portal.proto.records.v1.Appointment;
import health.portal.proto.records.v1.AppointmentPage;
import health.portal.proto.records.v1.Document;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.DocumentPage;
import health.portal.proto.records.v1.DocumentRequest;
import health.portal.proto.records.v1.ExportChunk;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.Interpretation;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.LabReportPage;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.PagedPatientRequest;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.proto.records.v1.ReferenceRange;
import health.portal.proto.records.v1.Visit;
import health.portal.proto.records.v1.VisitPage;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * records.proto implemented in the test, on a local port (plaintext): remembers the authorization metadata and the
 * patient id of the last call, and answers per document id with the gRPC status the tests need.
 * The real records-service is covered by the lead's end-to-end test.
 */
final class TestRecordsServer {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final AtomicReference<String> lastAuthorization = new AtomicReference<>();

    /** What records-service sends with a telemedicine appointment (emr-adapter's Telemedicine.NOTICE). */
    static final String TELEMEDICINE_NOTICE = "This is a telemedicine visit, by video or telephone. Its limitations: "
            + "conditions that a complete physical exam would find may not be picked up.";

    static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    final AtomicReference<String> lastTraceparent = new AtomicReference<>();

    final AtomicReference<String> lastPatientId = new AtomicReference<>();

    final AtomicReference<Long> lastDeadlineMillis = new AtomicReference<>();

    /** Patients whose export has this many entries (else one). */
    final Map<String, Integer> exportEntries = new ConcurrentHashMap<>();

    /** Patients whose export stops with UNAVAILABLE half way through, as one whose EMR fails part way. */
    final Set<String> exportsCut = ConcurrentHashMap.newKeySet();

    private final Server server;

    TestRecordsServer() {
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                lastAuthorization.set(headers.get(AUTHORIZATION));
                lastTraceparent.set(headers.get(TRACEPARENT));
                io.grpc.Deadline deadline = io.grpc.Context.current().getDeadline();
                lastDeadlineMillis.set(
                        deadline == null ? null : deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS));
                return Contexts.interceptCall(io.grpc.Context.current(), call, headers, next);
            }
        };
        try {
            server = NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(new Records(), capture))
                    .build()
                    .start();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    private final class Records extends RecordsServiceGrpc.RecordsServiceImplBase {

        @Override
        public void getHealthSummary(PatientRequest request, StreamObserver<HealthSummary> response) {
            lastPatientId.set(request.getPatientId());
            response.onNext(HealthSummary.newBuilder()
                    .setPatient(PatientProfile.newBuilder()
                            .setPatientId(request.getPatientId())
                            .setGivenName("Ada")
                            .setFamilyName("Lovelace")
                            .setBirthDate("1985-12-10"))
                    .addAllergies(Allergy.newBuilder()
                            .setId("a1")
                            .setSubstance("Peanut")
                            .setCriticality("high"))
                    .build());
            response.onCompleted();
        }

        /** Two pages at a size of up to 10 (the page asks 10): a lipid panel, then an older blood count. */
        @Override
        public void listLabResults(PagedPatientRequest request, StreamObserver<LabReportPage> response) {
            lastPatientId.set(request.getPatientId());
            if (request.getPageToken().equals("page-2")) {
                response.onNext(LabReportPage.newBuilder()
                        .addReports(LabReport.newBuilder()
                                .setId("r2")
                                .setName("Complete blood count")
                                .setStatus("final")
                                .setIssuedAt(Timestamps.fromMillis(
                                        Instant.parse("2026-02-14T15:00:00Z").toEpochMilli()))
                                .addResults(result("hgb", "Hemoglobin", "11.2 g/dL", 12, 15.5, "g/dL")
                                        .setInterpretation(Interpretation.LOW)))
                        .build());
                response.onCompleted();
                return;
            }
            response.onNext(LabReportPage.newBuilder()
                    .addReports(LabReport.newBuilder()
                            .setId("r1")
                            .setName("Lipid panel")
                            .setStatus("final")
                            .setIssuedAt(Timestamps.fromMillis(
                                    Instant.parse("2026-11-20T15:00:00Z").toEpochMilli()))
                            .addResults(result("ldl", "LDL cholesterol", "162 mg/dL", 0, 130, "mg/dL")
                                    .setInterpretation(Interpretation.HIGH))
                            .addResults(result("hdl", "HDL cholesterol", "52 mg/dL", 40, 60, "mg/dL")
                                    .setInterpretation(Interpretation.NORMAL)))
                    .setNextPageToken(request.getPageSize() <= 10 ? "page-2" : "")
                    .build());
            response.onCompleted();
        }

        private static LabResult.Builder result(
                String id, String name, String value, double low, double high, String unit) {
            return LabResult.newBuilder()
                    .setId(id)
                    .setName(name)
                    .setValueText(value)
                    .setReferenceRange(ReferenceRange.newBuilder()
                            .setLow(low)
                            .setHigh(high)
                            .setUnit(unit));
        }

        @Override
        public void listVisits(PagedPatientRequest request, StreamObserver<VisitPage> response) {
            lastPatientId.set(request.getPatientId());
            response.onNext(VisitPage.newBuilder()
                    .addVisits(Visit.newBuilder()
                            .setId("v2")
                            .setVisitClass("virtual")
                            .setType("Follow-up encounter")
                            .setStart(Timestamps.fromMillis(
                                    Instant.parse("2026-11-02T15:00:00Z").toEpochMilli()))
                            .addProviders("Dr. Jordan Morgan"))
                    .addVisits(Visit.newBuilder()
                            .setId("v1")
                            .setVisitClass("ambulatory")
                            .setType("General examination")
                            .setStart(Timestamps.fromMillis(
                                    Instant.parse("2026-02-14T15:00:00Z").toEpochMilli()))
                            .setReason("Hypertension")
                            .addProviders("Dr. Jordan Morgan")
                            .setLocation("Portal Health Clinic - Main Street"))
                    .build());
            response.onCompleted();
        }

        /** An in-person appointment and a telemedicine one; the page token "unimplemented" answers UNIMPLEMENTED. */
        @Override
        public void listAppointments(PagedPatientRequest request, StreamObserver<AppointmentPage> response) {
            lastPatientId.set(request.getPatientId());
            if (request.getPageToken().equals("unimplemented")) {
                // as a records-service without the method: the gateway must map it to 502
                response.onError(Status.UNIMPLEMENTED.asRuntimeException());
                return;
            }
            response.onNext(AppointmentPage.newBuilder()
                    .addAppointments(Appointment.newBuilder()
                            .setId("ap-video")
                            .setDescription("Home blood pressure readings review")
                            .setServiceType("Video visit")
                            .setStatus("booked")
                            .setStart(Timestamps.fromMillis(
                                    Instant.parse("2027-01-14T20:00:00Z").toEpochMilli()))
                            .addParticipants("Dr. Jordan Morgan")
                            .setTelemedicine(true)
                            .setTelemedicineNotice(TELEMEDICINE_NOTICE))
                    .addAppointments(Appointment.newBuilder()
                            .setId("ap-clinic")
                            .setDescription("Blood pressure and cholesterol follow-up")
                            .setServiceType("Follow-up encounter")
                            .setStatus("booked")
                            .setStart(Timestamps.fromMillis(
                                    Instant.parse("2027-01-07T14:30:00Z").toEpochMilli()))
                            .addParticipants("Dr. Jordan Morgan")
                            .addParticipants("Portal Health Clinic - Main Street"))
                    .build());
            response.onCompleted();
        }

        @Override
        public void listDocuments(PagedPatientRequest request, StreamObserver<DocumentPage> response) {
            lastPatientId.set(request.getPatientId());
            response.onNext(DocumentPage.newBuilder()
                    .addDocuments(Document.newBuilder()
                            .setId("d1")
                            .setTitle("Discharge summary")
                            .setType("Summary of episode note")
                            .setAuthor("Dr. Jordan Morgan")
                            .setDate(Timestamps.fromMillis(
                                    Instant.parse("2026-02-14T16:00:00Z").toEpochMilli()))
                            .setContentType("application/pdf"))
                    .build());
            response.onCompleted();
        }

        @Override
        public void getDocument(DocumentRequest request, StreamObserver<DocumentContent> response) {
            lastPatientId.set(request.getPatientId());
            switch (request.getDocumentId()) {
                case "missing" ->
                    response.onError(
                            Status.NOT_FOUND.withDescription("no such document").asRuntimeException());
                case "forbidden" -> response.onError(Status.PERMISSION_DENIED.asRuntimeException());
                case "unauthenticated" -> response.onError(Status.UNAUTHENTICATED.asRuntimeException());
                case "invalid" ->
                    response.onError(Status.INVALID_ARGUMENT
                            .withDescription("document id rejected")
                            .asRuntimeException());
                case "down" -> response.onError(Status.UNAVAILABLE.asRuntimeException());
                case "terms-newer" -> {
                    // records-service already knows a newer terms version than the token carries
                    Metadata trailers = new Metadata();
                    trailers.put(
                            Metadata.Key.of("x-terms-current-version", Metadata.ASCII_STRING_MARSHALLER),
                            "gw-terms-newer");
                    response.onError(Status.FAILED_PRECONDITION
                            .withDescription("Accept version gw-terms-newer of the terms of use first")
                            .asRuntimeException(trailers));
                }
                case "slow" -> {} // never answers: the gateway's deadline must end the call
                case "html" -> {
                    response.onNext(DocumentContent.newBuilder()
                            .setDocument(Document.newBuilder().setId("html").setContentType("text/html"))
                            .setContent(ByteString.copyFromUtf8("<script>alert(1)</script>"))
                            .build());
                    response.onCompleted();
                }
                default -> {
                    response.onNext(DocumentContent.newBuilder()
                            .setDocument(Document.newBuilder()
                                    .setId(request.getDocumentId())
                                    .setContentType("application/pdf"))
                            .setContent(ByteString.copyFrom("%PDF-1.4 test", StandardCharsets.US_ASCII))
                            .build());
                    response.onCompleted();
                }
            }
        }

        @Override
        public void exportRecord(PatientRequest request, StreamObserver<ExportChunk> response) {
            lastPatientId.set(request.getPatientId());
            int entries = exportEntries.getOrDefault(request.getPatientId(), 1);
            StringBuilder bundle =
                    new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
            for (int i = 0; i < entries; i++) {
                bundle.append(i == 0 ? "" : ",")
                        .append("{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"")
                        .append(request.getPatientId())
                        .append("\"}}");
            }
            byte[] bytes = bundle.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            int chunk = entries > 1 ? 1024 : 16;
            boolean cut = exportsCut.contains(request.getPatientId());
            for (int i = 0; i < bytes.length; i += chunk) {
                response.onNext(ExportChunk.newBuilder()
                        .setData(ByteString.copyFrom(bytes, i, Math.min(chunk, bytes.length - i)))
                        .build());
                if (cut && i >= bytes.length / 2) {
                    // as records-service ends an export whose EMR failed part way, once the first bytes are out
                    sleep(300);
                    response.onError(Status.UNAVAILABLE
                            .withDescription("EMR unavailable or too slow")
                            .asRuntimeException());
                    return;
                }
            }
            response.onCompleted();
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
