package health.portal.identity.directory;

import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.security.grpc.BearerCallCredentials;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.proto.records.v1.VerifyPatientRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;

/**
 * records-service's VerifyPatient over gRPC (channel {@code records} in {@code spring.grpc.client.channels}), called
 * with identity-service's service token (realm role {@code records-service}).
 */
@Component
public class GrpcPatientDirectory implements PatientDirectory, DisposableBean {

    private final ManagedChannel channel;
    private final RecordsServiceGrpc.RecordsServiceBlockingStub records;
    private final Duration deadline;

    public GrpcPatientDirectory(
            GrpcChannelFactory channels,
            KeycloakAccounts keycloak,
            @Value("${portal.records.deadline:5s}") Duration deadline) {
        this.channel = channels.createChannel("records", ChannelBuilderOptions.defaults());
        this.records = RecordsServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(new BearerCallCredentials(keycloak::serviceToken));
        this.deadline = deadline;
    }

    @Override
    public boolean verify(String patientId, LocalDate birthDate) {
        try {
            return records.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .verifyPatient(VerifyPatientRequest.newBuilder()
                            .setPatientId(patientId)
                            .setBirthDate(birthDate.toString())
                            .build())
                    .getMatch();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT) {
                return false;
            }
            throw new DependencyUnavailableException("The medical record system", e);
        }
    }

    @Override
    public void destroy() {
        channel.shutdown();
    }
}
