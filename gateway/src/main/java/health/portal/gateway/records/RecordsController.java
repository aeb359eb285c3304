package health.portal.gateway.records;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import health.portal.platform.problem.Problems;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.AppointmentPage;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.DocumentPage;
import health.portal.proto.records.v1.DocumentRequest;
import health.portal.proto.records.v1.ExportChunk;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReportPage;
import health.portal.proto.records.v1.PagedPatientRequest;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc.RecordsServiceStub;
import health.portal.proto.records.v1.VisitPage;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The patient's own records, as JSON over HTTPS, mapped onto records-service gRPC. The patient is always the
 * caller (token claim {@code patient_id}); the user's token is relayed so that records-service checks it again.
 * Nothing is kept: each response streams straight through.
 */
@RestController
@RequestMapping(path = "/api/records")
@Tag(name = "Records", description = "The signed-in patient's health record (read-only)")
@SecurityRequirement(name = "bearer")
@ApiResponse(responseCode = "401", description = "Not signed in or token not valid")
@ApiResponse(
        responseCode = "403",
        description = "Not allowed, or the account has no patient record, or terms-acceptance-required: the current"
                + " terms of use (member currentVersion) must be accepted first at acceptAt; an app then refreshes its"
                + " access token")
@ApiResponse(responseCode = "503", description = "Records temporarily unavailable (Retry-After)")
class RecordsController {

    private static final Pattern PAGE_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~=+/]{1,512}");

    /** Document types shown as-is; anything else is handed out as an opaque download. */
    private static final Set<String> SAFE_DOCUMENT_TYPES = Set.of(
            "application/pdf", "text/plain", "image/png", "image/jpeg", "application/fhir+json", "application/json");

    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    private final RecordsServiceStub records;

    private final UserToken userToken;

    private final RecordsProperties properties;

    private final DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    RecordsController(RecordsServiceStub records, UserToken userToken, RecordsProperties properties) {
        this.records = records;
        this.userToken = userToken;
        this.properties = properties;
    }

    @GetMapping(path = "/summary", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Allergies, problems, medications, immunizations and latest vital signs")
    Mono<ResponseEntity<String>> summary(ServerWebExchange exchange) {
        return this.<HealthSummary>call(
                exchange,
                (stub, user, observer) -> stub.getHealthSummary(
                        PatientRequest.newBuilder()
                                .setPatientId(user.patientId())
                                .build(),
                        observer));
    }

    @GetMapping(path = "/labs", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Lab reports with their results, newest first")
    Mono<ResponseEntity<String>> labs(
            @Parameter(description = "1-100") @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken,
            ServerWebExchange exchange) {
        PagedPatientRequest.Builder page = page(pageSize, pageToken);
        return this.<LabReportPage>call(
                exchange,
                (stub, user, observer) ->
                        stub.listLabResults(page.setPatientId(user.patientId()).build(), observer));
    }

    @GetMapping(path = "/visits", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Past visits, newest first")
    Mono<ResponseEntity<String>> visits(
            @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken,
            ServerWebExchange exchange) {
        PagedPatientRequest.Builder page = page(pageSize, pageToken);
        return this.<VisitPage>call(
                exchange,
                (stub, user, observer) ->
                        stub.listVisits(page.setPatientId(user.patientId()).build(), observer));
    }

    @GetMapping(path = "/appointments", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Upcoming and past appointments")
    Mono<ResponseEntity<String>> appointments(
            @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken,
            ServerWebExchange exchange) {
        PagedPatientRequest.Builder page = page(pageSize, pageToken);
        return this.<AppointmentPage>call(
                exchange,
                (stub, user, observer) -> stub.listAppointments(
                        page.setPatientId(user.patientId()).build(), observer));
    }

    @GetMapping(path = "/documents", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Clinical documents (metadata)")
    Mono<ResponseEntity<String>> documents(
            @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken,
            ServerWebExchange exchange) {
        PagedPatientRequest.Builder page = page(pageSize, pageToken);
        return this.<DocumentPage>call(
                exchange,
                (stub, user, observer) ->
                        stub.listDocuments(page.setPatientId(user.patientId()).build(), observer));
    }

    @GetMapping("/documents/{id}")
    @Operation(summary = "The content of one document, as a download")
    @ApiResponse(responseCode = "404", description = "No such document for this patient")
    Mono<ResponseEntity<byte[]>> document(@PathVariable String id, ServerWebExchange exchange) {
        if (!FhirIds.isValid(id)) {
            return Mono.error(Problems.exception(
                    HttpStatus.BAD_REQUEST,
                    Problems.BAD_REQUEST,
                    "Bad Request",
                    "A document id is 1 to 64 letters, digits, '-' or '.'.",
                    null));
        }
        return userToken
                .resolve(exchange)
                .flatMap(user -> Mono.<DocumentContent>create(sink -> unary(
                        sink,
                        user,
                        properties.deadline(),
                        (stub, observer) -> stub.getDocument(
                                DocumentRequest.newBuilder()
                                        .setPatientId(user.patientId())
                                        .setDocumentId(id)
                                        .build(),
                                observer))))
                .onErrorMap(GrpcProblems::toProblem)
                .map(content -> {
                    String type = content.getDocument().getContentType().toLowerCase();
                    MediaType mediaType = SAFE_DOCUMENT_TYPES.contains(type)
                            ? MediaType.parseMediaType(type)
                            : MediaType.APPLICATION_OCTET_STREAM;
                    return ResponseEntity.ok()
                            .contentType(mediaType)
                            .header(
                                    HttpHeaders.CONTENT_DISPOSITION,
                                    ContentDisposition.attachment()
                                            .filename("document-" + id + extension(mediaType))
                                            .build()
                                            .toString())
                            .body(content.getContent().toByteArray());
                });
    }

    @GetMapping("/export")
    @Operation(summary = "The whole record as a FHIR R4 Bundle (JSON) download")
    Mono<ResponseEntity<Flux<DataBuffer>>> export(ServerWebExchange exchange) {
        return userToken
                .resolve(exchange)
                .map(user -> ResponseEntity.ok()
                        .contentType(FHIR_JSON)
                        .header(
                                HttpHeaders.CONTENT_DISPOSITION,
                                ContentDisposition.attachment()
                                        .filename("health-record-" + LocalDate.now(ZoneOffset.UTC) + ".json")
                                        .build()
                                        .toString())
                        .body(exportStream(user)));
    }

    /**
     * Streams the chunks as they come, asking records-service for a chunk only when the download has room for it:
     * gRPC flow control then holds records-service at the client's pace, and the gateway holds a few chunks at most.
     * A stream that ends in an error after the first bytes aborts the response (the connection is reset, the body
     * stays unterminated), so a cut export never passes for a whole record.
     */
    private Flux<DataBuffer> exportStream(UserToken.Resolved user) {
        return Flux.<DataBuffer>create(sink -> {
            ChunkDemand demand = new ChunkDemand(sink);
            ClientResponseObserver<PatientRequest, ExportChunk> observer = new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<PatientRequest> requestStream) {
                    requestStream.disableAutoRequestWithInitial(0);
                    demand.started(requestStream);
                }

                @Override
                public void onNext(ExportChunk chunk) {
                    sink.next(buffers.wrap(chunk.getData().asReadOnlyByteBuffer()));
                    demand.received();
                }

                @Override
                public void onError(Throwable t) {
                    sink.error(GrpcProblems.toProblem(t));
                }

                @Override
                public void onCompleted() {
                    sink.complete();
                }
            };
            stub(user, properties.exportDeadline())
                    .exportRecord(
                            PatientRequest.newBuilder()
                                    .setPatientId(user.patientId())
                                    .build(),
                            observer);
            // registered once the call has started: only then may it be asked for messages
            sink.onRequest(n -> demand.topUp());
            sink.onCancel(demand::cancel);
        });
    }

    /** Chunks asked of records-service and not yet received, kept at what the download asked for, 16 at most. */
    private static final class ChunkDemand {

        private static final int MAX_IN_FLIGHT = 16;

        private final FluxSink<DataBuffer> sink;
        private ClientCallStreamObserver<PatientRequest> call;
        private long inFlight;

        ChunkDemand(FluxSink<DataBuffer> sink) {
            this.sink = sink;
        }

        /** Before the call starts, when it takes no request yet: the first comes with the download's demand. */
        synchronized void started(ClientCallStreamObserver<PatientRequest> requestStream) {
            call = requestStream;
        }

        synchronized void received() {
            inFlight--;
            topUp();
        }

        synchronized void topUp() {
            if (call == null) {
                return;
            }
            long more = Math.min(sink.requestedFromDownstream(), MAX_IN_FLIGHT) - inFlight;
            if (more > 0) {
                inFlight += more;
                call.request((int) more);
            }
        }

        synchronized void cancel() {
            if (call != null) {
                call.cancel("download abandoned", null);
            }
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        void invoke(RecordsServiceStub stub, UserToken.Resolved user, StreamObserver<T> observer);
    }

    private <T extends MessageOrBuilder> Mono<ResponseEntity<String>> call(ServerWebExchange exchange, Call<T> call) {
        return userToken
                .resolve(exchange)
                .flatMap(user -> Mono.<T>create(sink -> unary(
                        sink, user, properties.deadline(), (stub, observer) -> call.invoke(stub, user, observer))))
                .onErrorMap(GrpcProblems::toProblem)
                .map(message -> ResponseEntity.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(toJson(message)));
    }

    private <T> void unary(
            MonoSink<T> sink,
            UserToken.Resolved user,
            Duration deadline,
            BiConsumer<RecordsServiceStub, StreamObserver<T>> invocation) {
        AtomicReference<ClientCallStreamObserver<?>> call = new AtomicReference<>();
        ClientResponseObserver<Object, T> observer = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
                call.set(requestStream);
            }

            @Override
            public void onNext(T value) {
                sink.success(value);
            }

            @Override
            public void onError(Throwable t) {
                sink.error(t);
            }

            @Override
            public void onCompleted() {
                sink.success();
            }
        };
        sink.onCancel(() -> {
            ClientCallStreamObserver<?> started = call.get();
            if (started != null) {
                started.cancel("request abandoned", null);
            }
        });
        invocation.accept(stub(user, deadline), observer);
    }

    private RecordsServiceStub stub(UserToken.Resolved user, Duration deadline) {
        return records.withCallCredentials(user.credentials())
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private PagedPatientRequest.Builder page(Integer pageSize, String pageToken) {
        PagedPatientRequest.Builder page = PagedPatientRequest.newBuilder();
        if (pageSize != null) {
            if (pageSize < 1 || pageSize > properties.maxPageSize()) {
                throw Problems.exception(
                        HttpStatus.BAD_REQUEST,
                        Problems.BAD_REQUEST,
                        "Bad Request",
                        "pageSize must be between 1 and " + properties.maxPageSize() + ".",
                        null);
            }
            page.setPageSize(pageSize);
        }
        if (pageToken != null && !pageToken.isEmpty()) {
            if (!PAGE_TOKEN.matcher(pageToken).matches()) {
                throw Problems.exception(
                        HttpStatus.BAD_REQUEST, Problems.BAD_REQUEST, "Bad Request", "pageToken is not valid.", null);
            }
            page.setPageToken(pageToken);
        }
        return page;
    }

    private static String toJson(MessageOrBuilder message) {
        try {
            return JSON.print(message);
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("Could not render a records response", ex);
        }
    }

    private static String extension(MediaType type) {
        return switch (type.toString()) {
            case "application/pdf" -> ".pdf";
            case "text/plain" -> ".txt";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "application/fhir+json", "application/json" -> ".json";
            default -> ".bin";
        };
    }
}
