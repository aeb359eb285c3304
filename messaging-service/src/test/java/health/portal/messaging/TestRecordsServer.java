package health.portal.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import health.portal.platform.security.sealing.SealedBox;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.CareProvider;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.CommunicationList;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.FiledCommunication;
import health.portal.proto.records.v1.FiledMessage;
import health.portal.proto.records.v1.FiledQuestionnaireResponse;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.Period;
import health.portal.proto.records.v1.Practice;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireItem;
import health.portal.proto.records.v1.QuestionnaireKind;
import health.portal.proto.records.v1.QuestionnaireRequest;
import health.portal.proto.records.v1.ReadCommunicationsRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
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
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * records-service at the process boundary, for this module's tests: the messaging rpcs of records.proto on a local
 * port (plaintext), with records-service's sealing key pair. It opens what it is sent as records-service would,
 * keeps what was filed (by idempotency key, as the EMR would), records every request exactly as it arrived so that
 * tests can see what crossed the wire, and can go away (UNAVAILABLE). The real records-service and the sandbox EMR
 * are covered by the launcher's end-to-end test.
 */
public final class TestRecordsServer {

    public static final String KEY_ID = "records-test-key";
    public static final String PRACTICE = "Organization/portal-health";
    public static final String PCP = "Practitioner/pcp-morgan";
    public static final String AWAY = "Practitioner/dr-away";
    public static final String COVERING = "Practitioner/dr-cover";
    public static final String AWAY_UNCOVERED = "Practitioner/dr-gone";
    public static final String SURVEY = "phq-2";
    public static final String LESSON = "inhaler-lesson";

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    public final AtomicBoolean down = new AtomicBoolean();
    public final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    /** Every FileCommunication request as it arrived, while up. */
    public final List<FileCommunicationRequest> fileRequests = new CopyOnWriteArrayList<>();
    /** What the EMR holds: by idempotency key (the message id). */
    public final Map<String, FiledMessage> filed = new ConcurrentHashMap<>();

    public final Map<String, FileQuestionnaireResponseRequest> responses = new ConcurrentHashMap<>();

    private final KeyPair keys;
    private final Server server;

    public TestRecordsServer() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                lastAuthorization.set(headers.get(AUTHORIZATION));
                return Contexts.interceptCall(io.grpc.Context.current(), call, headers, next);
            }
        };
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(new Records(), capture))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String address() {
        return "static://127.0.0.1:" + server.getPort();
    }

    public String publicKeyPem() {
        return SealedBox.pem("PUBLIC KEY", keys.getPublic().getEncoded());
    }

    /** Opens a box as records-service does. */
    public MessageContent open(String patientId, FileCommunicationRequest request) {
        try {
            return MessageContent.parseFrom(SealedBox.open(KEY_ID, keys.getPrivate(), patientId, request.getSealed()));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every patient has the same care team: their own provider, one away with cover, one away without. */
    static CareTeam careTeam() {
        Instant now = Instant.now();
        Period away = Period.newBuilder()
                .setStart(ts(now.minusSeconds(86_400)))
                .setEnd(ts(now.plusSeconds(7 * 86_400)))
                .build();
        Period past = Period.newBuilder()
                .setStart(ts(now.minusSeconds(30 * 86_400)))
                .setEnd(ts(now.minusSeconds(20 * 86_400)))
                .build();
        return CareTeam.newBuilder()
                .addProviders(CareProvider.newBuilder()
                        .setReference(PCP)
                        .setDisplayName("Dr. Avery Morgan")
                        .setRole("Primary care physician")
                        .addUnavailable(past))
                .addProviders(CareProvider.newBuilder()
                        .setReference(AWAY)
                        .setDisplayName("Dr. Blake Away")
                        .setRole("Cardiologist")
                        .addUnavailable(away)
                        .setCoveringReference(COVERING))
                .addProviders(CareProvider.newBuilder()
                        .setReference(COVERING)
                        .setDisplayName("Dr. Casey Cover")
                        .setRole("Cardiologist"))
                .addProviders(CareProvider.newBuilder()
                        .setReference(AWAY_UNCOVERED)
                        .setDisplayName("Dr. Dana Gone")
                        .setRole("Dermatologist")
                        .addUnavailable(Period.newBuilder().setStart(ts(now.minusSeconds(3_600)))))
                .setPractice(Practice.newBuilder()
                        .setReference(PRACTICE)
                        .setName("Portal Health Family Practice")
                        .setPhone("+1 555 0100")
                        .setTimeZone("America/New_York"))
                .build();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }

    public void close() {
        server.shutdownNow();
    }

    private final class Records extends RecordsServiceGrpc.RecordsServiceImplBase {

        private boolean refuse(StreamObserver<?> observer) {
            if (down.get()) {
                observer.onError(
                        Status.UNAVAILABLE.withDescription("EMR unavailable").asRuntimeException());
                return true;
            }
            return false;
        }

        @Override
        public void getCareTeam(PatientRequest request, StreamObserver<CareTeam> observer) {
            if (refuse(observer)) {
                return;
            }
            observer.onNext(careTeam());
            observer.onCompleted();
        }

        @Override
        public void fileCommunication(FileCommunicationRequest request, StreamObserver<FiledCommunication> observer) {
            if (refuse(observer)) {
                return;
            }
            fileRequests.add(request);
            MessageContent content = open(request.getPatientId(), request);
            FiledMessage message = filed.computeIfAbsent(
                    request.getIdempotencyKey(),
                    key -> FiledMessage.newBuilder()
                            .setCommunicationId("comm-" + (filed.size() + 1) + "-" + key.substring(0, 8))
                            .setThreadId(request.getThreadId())
                            .setIdempotencyKey(key)
                            .setSenderReference(request.getSenderReference())
                            .setRecipientReference(request.getRecipientReference())
                            .setSubject(content.getSubject())
                            .setText(content.getText())
                            .setSentAt(request.getSentAt())
                            .addAllAttachments(content.getAttachmentsList())
                            .setCategory(request.getCategory())
                            .setUrgent(request.getUrgent())
                            .build());
            observer.onNext(FiledCommunication.newBuilder()
                    .setCommunicationId(message.getCommunicationId())
                    .build());
            observer.onCompleted();
        }

        @Override
        public void readCommunications(ReadCommunicationsRequest request, StreamObserver<CommunicationList> observer) {
            if (refuse(observer)) {
                return;
            }
            CommunicationList.Builder list = CommunicationList.newBuilder();
            filed.values().stream()
                    .filter(m -> request.getThreadIdsList().contains(m.getThreadId()))
                    .sorted(java.util.Comparator.comparing(m -> m.getSentAt().getSeconds() * 1_000_000_000L
                            + m.getSentAt().getNanos()))
                    .map(m -> request.getWithAttachmentData() ? m : withoutData(m))
                    .forEach(list::addMessages);
            observer.onNext(list.build());
            observer.onCompleted();
        }

        private static FiledMessage withoutData(FiledMessage m) {
            FiledMessage.Builder b = m.toBuilder().clearAttachments();
            for (Attachment a : m.getAttachmentsList()) {
                b.addAttachments(a.toBuilder().clearData());
            }
            return b.build();
        }

        @Override
        public void getQuestionnaire(QuestionnaireRequest request, StreamObserver<QuestionnaireForm> observer) {
            if (refuse(observer)) {
                return;
            }
            QuestionnaireForm form = switch (request.getQuestionnaireId()) {
                case SURVEY ->
                    QuestionnaireForm.newBuilder()
                            .setQuestionnaireId(SURVEY)
                            .setTitle("How have you been feeling?")
                            .setKind(QuestionnaireKind.QUESTIONNAIRE_KIND_SURVEY)
                            .addItems(QuestionnaireItem.newBuilder()
                                    .setLinkId("mood")
                                    .setType("choice")
                                    .setText("Little interest or pleasure in doing things?")
                                    .addOptions("Not at all")
                                    .addOptions("Several days")
                                    .setRequired(true))
                            .addItems(QuestionnaireItem.newBuilder()
                                    .setLinkId("notes")
                                    .setType("text")
                                    .setText("Anything else?"))
                            .build();
                case LESSON ->
                    QuestionnaireForm.newBuilder()
                            .setQuestionnaireId(LESSON)
                            .setTitle("Using your inhaler")
                            .setKind(QuestionnaireKind.QUESTIONNAIRE_KIND_LESSON)
                            .addItems(QuestionnaireItem.newBuilder()
                                    .setLinkId("intro")
                                    .setType("display")
                                    .setText("Shake the inhaler before each puff."))
                            .build();
                default -> null;
            };
            if (form == null) {
                observer.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            observer.onNext(form);
            observer.onCompleted();
        }

        @Override
        public void fileQuestionnaireResponse(
                FileQuestionnaireResponseRequest request, StreamObserver<FiledQuestionnaireResponse> observer) {
            if (refuse(observer)) {
                return;
            }
            responses.putIfAbsent(request.getIdempotencyKey(), request);
            observer.onNext(FiledQuestionnaireResponse.newBuilder()
                    .setQuestionnaireResponseId(
                            "qr-" + request.getIdempotencyKey().substring(0, 8))
                    .build());
            observer.onCompleted();
        }
    }
}
