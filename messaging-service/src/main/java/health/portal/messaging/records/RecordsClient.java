package health.portal.messaging.records;

import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.security.ServiceToken;
import health.portal.platform.security.grpc.BearerCallCredentials;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.FiledMessage;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireRequest;
import health.portal.proto.records.v1.ReadCommunicationsRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * records-service's messaging rpcs over gRPC (channel {@code records}), each call with messaging-service's own
 * service token. A records-service or EMR that does not answer is a {@link DependencyUnavailableException}; an
 * unknown questionnaire is empty.
 */
@Component
public class RecordsClient implements DisposableBean {

    static final String RECORDS = "The medical record system";

    private final ManagedChannel channel;
    private final RecordsServiceGrpc.RecordsServiceBlockingStub stub;
    private final Duration deadline;

    RecordsClient(
            GrpcChannelFactory channels,
            ServiceToken token,
            @Value("${portal.messaging.records.deadline:5s}") Duration deadline) {
        this.channel = channels.createChannel("records", ChannelBuilderOptions.defaults());
        this.stub =
                RecordsServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token::get));
        this.deadline = deadline;
    }

    public CareTeam careTeam(String patientId) {
        return call(() -> stub().getCareTeam(
                        PatientRequest.newBuilder().setPatientId(patientId).build()));
    }

    /** Files a message (its content sealed); idempotent by the request's key. Returns the Communication id. */
    public String file(FileCommunicationRequest request) {
        return call(() -> stub().fileCommunication(request)).getCommunicationId();
    }

    public List<FiledMessage> read(String patientId, Collection<String> threadIds, boolean withAttachmentData) {
        if (threadIds.isEmpty()) {
            return List.of();
        }
        return call(() -> stub().readCommunications(ReadCommunicationsRequest.newBuilder()
                        .setPatientId(patientId)
                        .addAllThreadIds(threadIds)
                        .setWithAttachmentData(withAttachmentData)
                        .build()))
                .getMessagesList();
    }

    public Optional<QuestionnaireForm> questionnaire(String patientId, String questionnaireId) {
        try {
            return Optional.of(stub().getQuestionnaire(QuestionnaireRequest.newBuilder()
                    .setPatientId(patientId)
                    .setQuestionnaireId(questionnaireId)
                    .build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw unavailable(e);
        }
    }

    /** Files a survey's answers; idempotent by the request's key. Returns the QuestionnaireResponse id. */
    public String fileResponse(FileQuestionnaireResponseRequest request) {
        return call(() -> stub().fileQuestionnaireResponse(request)).getQuestionnaireResponseId();
    }

    private RecordsServiceGrpc.RecordsServiceBlockingStub stub() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T call(java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw unavailable(e);
        }
    }

    private static RuntimeException unavailable(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.NOT_FOUND) {
            return new RecordsRefusedException(code.name(), e);
        }
        return new DependencyUnavailableException(RECORDS, e);
    }

    @Override
    public void destroy() {
        channel.shutdown();
    }
}
