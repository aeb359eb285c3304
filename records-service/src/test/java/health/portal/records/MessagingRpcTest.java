package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import com.google.protobuf.ByteString;
import health.portal.emr.adapter.EmrClient;
import health.portal.platform.security.sealing.SealedBox;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.CareProvider;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.CommunicationList;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.FiledMessage;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.QuestionnaireAnswer;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireKind;
import health.portal.proto.records.v1.QuestionnaireRequest;
import health.portal.proto.records.v1.ReadCommunicationsRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc.RecordsServiceBlockingStub;
import health.portal.proto.records.v1.SealedContent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.security.PublicKey;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * What messaging-service gets from records-service over gRPC, against the sandbox: the care team with who is away
 * and who covers, sealed messages filed once and read back by thread, surveys and lessons and their answers.
 */
class MessagingRpcTest extends GrpcTestBase {

    private static final String ALEX = "demo-alex";
    private static final String SAM = "demo-sam";
    private static final PublicKey RECORDS_KEY = SEALING.getPublic();

    private final IGenericClient fhir = fhir();

    private RecordsServiceBlockingStub messaging(String correlationId) {
        return stub(tokens.service("messaging-service"), correlationId);
    }

    private RecordsServiceBlockingStub messaging() {
        return messaging(newCorrelationId());
    }

    @Test
    void theCareTeamWithTheAwayProviderAndWhoCovers() {
        CareTeam team = messaging()
                .getCareTeam(PatientRequest.newBuilder().setPatientId(ALEX).build());
        CareProvider morgan = team.getProviders(0);
        assertThat(morgan.getReference()).isEqualTo("Practitioner/pcp-morgan");
        assertThat(morgan.getUnavailableList()).isNotEmpty();
        assertThat(morgan.getCoveringReference()).isEqualTo("Practitioner/pcp-lee");
        assertThat(team.getProvidersList())
                .extracting(CareProvider::getReference)
                .contains("Practitioner/pcp-lee");
        assertThat(team.getPractice().getPhone()).isEqualTo("+1-555-0100");
        assertThat(team.getPractice().getTimeZone()).isEqualTo("America/New_York");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aSealedMessageWithAnAttachmentIsFiledOnceAndReadBackByThread(CapturedOutput logs) {
        String canary = "canary-" + UUID.randomUUID();
        String thread = "thread-" + UUID.randomUUID();
        byte[] photo = new byte[200_000];
        new Random(7).nextBytes(photo);
        MessageContent content = MessageContent.newBuilder()
                .setSubject("Rash " + canary)
                .setText("It itches since Monday " + canary)
                .addAttachments(Attachment.newBuilder()
                        .setContentType("image/png")
                        .setTitle("rash.png")
                        .setData(ByteString.copyFrom(photo)))
                .build();
        String key = "msg-" + UUID.randomUUID();
        FileCommunicationRequest request = sealedRequest(ALEX, key, thread, content)
                .setCategory("medical-question")
                .build();
        String correlationId = newCorrelationId();
        String id = messaging(correlationId).fileCommunication(request).getCommunicationId();
        // the same key (a retry after a lost answer, or the outbox sending twice) files nothing new
        assertThat(messaging().fileCommunication(request).getCommunicationId()).isEqualTo(id);
        assertThat(filedWithKey(ALEX, key)).isEqualTo(1);
        assertThat(audit().awaitOne(correlationId).envelope().toString()).doesNotContain(canary);

        CommunicationList withData = messaging().readCommunications(read(ALEX, thread, true));
        assertThat(withData.getMessagesList()).singleElement().satisfies(m -> {
            assertThat(m.getCommunicationId()).isEqualTo(id);
            assertThat(m.getIdempotencyKey()).isEqualTo(key);
            assertThat(m.getSubject()).isEqualTo("Rash " + canary);
            assertThat(m.getText()).isEqualTo("It itches since Monday " + canary);
            assertThat(m.getCategory()).isEqualTo("medical-question");
            assertThat(m.getAttachments(0).getData().toByteArray()).isEqualTo(photo);
        });
        FiledMessage listed =
                messaging().readCommunications(read(ALEX, thread, false)).getMessages(0);
        assertThat(listed.getAttachments(0).getData()).isEmpty();
        assertThat(listed.getAttachments(0).getSize()).isEqualTo(photo.length);
        assertThat(listed.getAttachments(0).getTitle()).isEqualTo("rash.png");
        // the capture sees what the service's loggers write (this line), and none of them wrote the message
        LoggerFactory.getLogger(MessagingRpcTest.class).warn("log capture check");
        assertThat(logs.getAll()).contains("log capture check").doesNotContain(canary);
    }

    @Test
    void threeAttachmentsOfOneMebibyteEachFitInOneCall() {
        MessageContent.Builder content =
                MessageContent.newBuilder().setSubject("Scans").setText("Three scans");
        for (int i = 0; i < 3; i++) {
            byte[] scan = new byte[1024 * 1024];
            new Random(i).nextBytes(scan);
            content.addAttachments(Attachment.newBuilder()
                    .setContentType("application/pdf")
                    .setTitle("scan-" + i + ".pdf")
                    .setData(ByteString.copyFrom(scan)));
        }
        String thread = "thread-" + UUID.randomUUID();
        messaging()
                .fileCommunication(sealedRequest(ALEX, "msg-" + UUID.randomUUID(), thread, content.build())
                        .build());
        assertThat(messaging()
                        .readCommunications(read(ALEX, thread, false))
                        .getMessages(0)
                        .getAttachmentsList())
                .extracting(Attachment::getSize)
                .containsExactly(1048576L, 1048576L, 1048576L);
    }

    @Test
    void aBoxForAnotherPatientAnotherKeyOrAlteredIsRefusedAndNothingIsFiled() {
        MessageContent content = MessageContent.newBuilder().setText("Hello").build();
        SealedContent forSam = SealedBox.seal(SEALING_KEY_ID, RECORDS_KEY, SAM, content.toByteArray());
        SealedContent otherKey = SealedBox.seal(SEALING_KEY_ID, rsaKeyPair().getPublic(), ALEX, content.toByteArray());
        SealedContent good = SealedBox.seal(SEALING_KEY_ID, RECORDS_KEY, ALEX, content.toByteArray());
        byte[] flipped = good.getCiphertext().toByteArray();
        flipped[3] ^= 1;
        SealedContent altered =
                good.toBuilder().setCiphertext(ByteString.copyFrom(flipped)).build();
        SealedContent unknownKeyId = good.toBuilder().setKeyId("records-old").build();
        for (SealedContent box : new SealedContent[] {forSam, otherKey, altered, unknownKeyId}) {
            String key = "msg-" + UUID.randomUUID();
            assertThat(code(() -> messaging()
                            .fileCommunication(
                                    request(ALEX, key, "t-1").setSealed(box).build())))
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(filedWithKey(ALEX, key)).isZero();
        }
    }

    @Test
    void contentBeyondTheLimitsIsRefused() {
        byte[] big = new byte[1024 * 1024 + 1];
        Attachment pdf = Attachment.newBuilder()
                .setContentType("application/pdf")
                .setData(ByteString.copyFromUtf8("%PDF"))
                .build();
        for (UnaryOperator<MessageContent.Builder> bad : java.util.List.<UnaryOperator<MessageContent.Builder>>of(
                c -> c.setSubject("s".repeat(201)),
                c -> c.setText(""),
                c -> c.setText("t".repeat(10_001)),
                c -> c.addAttachments(pdf)
                        .addAttachments(pdf)
                        .addAttachments(pdf)
                        .addAttachments(pdf),
                c -> c.addAttachments(pdf.toBuilder().setData(ByteString.copyFrom(big))),
                c -> c.addAttachments(pdf.toBuilder().setContentType("text/html")))) {
            MessageContent content = bad.apply(
                            MessageContent.newBuilder().setSubject("ok").setText("ok"))
                    .build();
            String key = "msg-" + UUID.randomUUID();
            assertThat(code(() -> messaging()
                            .fileCommunication(
                                    sealedRequest(ALEX, key, "t-1", content).build())))
                    .isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(filedWithKey(ALEX, key)).isZero();
        }
        // in the clear the same limits hold
        assertThat(code(() -> messaging()
                        .fileCommunication(request(ALEX, "msg-" + UUID.randomUUID(), "t-1")
                                .setText("t".repeat(10_001))
                                .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void anotherPatientsThreadIdsReturnNothingOfTheirs() {
        String samsThread = "thread-" + UUID.randomUUID();
        messaging()
                .fileCommunication(sealedRequest(
                                SAM,
                                "msg-" + UUID.randomUUID(),
                                samsThread,
                                MessageContent.newBuilder().setText("Sam's").build())
                        .setSenderReference("Patient/" + SAM)
                        .build());
        assertThat(messaging().readCommunications(read(SAM, samsThread, false)).getMessagesCount())
                .isEqualTo(1);
        assertThat(messaging().readCommunications(read(ALEX, samsThread, true)).getMessagesList())
                .isEmpty();
        assertThat(code(() -> messaging()
                        .readCommunications(ReadCommunicationsRequest.newBuilder()
                                .setPatientId(ALEX)
                                .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void surveysAndLessonsAndTheirAnswers() {
        QuestionnaireForm survey = messaging().getQuestionnaire(questionnaire("pre-visit-check-in"));
        assertThat(survey.getKind()).isEqualTo(QuestionnaireKind.QUESTIONNAIRE_KIND_SURVEY);
        assertThat(survey.getItemsList()).extracting(i -> i.getType()).contains("string", "boolean", "choice");
        assertThat(messaging()
                        .getQuestionnaire(questionnaire("lesson-blood-pressure"))
                        .getKind())
                .isEqualTo(QuestionnaireKind.QUESTIONNAIRE_KIND_LESSON);
        assertThat(code(() -> messaging().getQuestionnaire(questionnaire("no-such-form"))))
                .isEqualTo(Status.Code.NOT_FOUND);

        FileQuestionnaireResponseRequest answers = FileQuestionnaireResponseRequest.newBuilder()
                .setPatientId(ALEX)
                .setIdempotencyKey("assignment-" + UUID.randomUUID())
                .setQuestionnaireId("pre-visit-check-in")
                .addAnswers(answer("reason", "Check-up"))
                .addAnswers(answer("med-changes", "true"))
                .addAnswers(answer("contact-preference", "Phone"))
                .build();
        String id = messaging().fileQuestionnaireResponse(answers).getQuestionnaireResponseId();
        assertThat(messaging().fileQuestionnaireResponse(answers).getQuestionnaireResponseId())
                .isEqualTo(id);
        StatusRuntimeException bad = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> messaging()
                        .fileQuestionnaireResponse(answers.toBuilder()
                                .setIdempotencyKey("assignment-" + UUID.randomUUID())
                                .addAnswers(answer("pain", "very much"))
                                .build()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).contains("pain").doesNotContain("very much");
    }

    @Test
    void aPatientOrAnUngrantedServiceIsRefused() {
        PatientRequest alex = PatientRequest.newBuilder().setPatientId(ALEX).build();
        assertThat(code(() -> stub(tokens.patient(ALEX), newCorrelationId()).getCareTeam(alex)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> stub(tokens.service(), newCorrelationId()).getCareTeam(alex)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() ->
                        stub(tokens.patient(ALEX), newCorrelationId()).readCommunications(read(ALEX, "t-1", true))))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    private static FileCommunicationRequest.Builder request(String patientId, String key, String thread) {
        return FileCommunicationRequest.newBuilder()
                .setPatientId(patientId)
                .setIdempotencyKey(key)
                .setSenderReference("Patient/" + patientId)
                .setRecipientReference("Practitioner/pcp-lee")
                .setThreadId(thread);
    }

    private static FileCommunicationRequest.Builder sealedRequest(
            String patientId, String key, String thread, MessageContent content) {
        return request(patientId, key, thread)
                .setSealed(SealedBox.seal(SEALING_KEY_ID, RECORDS_KEY, patientId, content.toByteArray()));
    }

    private static ReadCommunicationsRequest read(String patientId, String thread, boolean withData) {
        return ReadCommunicationsRequest.newBuilder()
                .setPatientId(patientId)
                .addThreadIds(thread)
                .setWithAttachmentData(withData)
                .build();
    }

    private static QuestionnaireRequest questionnaire(String id) {
        return QuestionnaireRequest.newBuilder()
                .setPatientId(ALEX)
                .setQuestionnaireId(id)
                .build();
    }

    private static QuestionnaireAnswer answer(String linkId, String value) {
        return QuestionnaireAnswer.newBuilder()
                .setLinkId(linkId)
                .setValue(value)
                .build();
    }

    private static Status.Code code(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return e == null ? Status.Code.OK : e.getStatus().getCode();
    }

    private int filedWithKey(String patientId, String key) {
        return fhir.search()
                .forResource(Communication.class)
                .where(new TokenClientParam("identifier")
                        .exactly()
                        .systemAndIdentifier(EmrClient.COMMUNICATION_KEY_SYSTEM, patientId + ":" + key))
                .returnBundle(Bundle.class)
                .execute()
                .getEntry()
                .size();
    }

    private static IGenericClient fhir() {
        FhirContext ctx = FhirContext.forR4Cached();
        ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        return ctx.newRestfulGenericClient(SharedSandbox.get().fhirBaseUrl());
    }
}
