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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * records-service's VerifyPatient over gRPC (channel {@code records} in {@code spring.grpc.client.channels}), called
 * with identity-service's service token (realm role {@code records-service}).
 */
@Component
public class GrpcPatientDirectory implements PatientDirectory, DisposableBean {

    static final String MEDICAL_RECORD_SYSTEM = "The medical record system";
    static final String AUDIT_TRAIL = "The audit trail of the records service";
    static final String RECORDS_SERVICE = "The records service";
    // how records-service's GuardedCall describes its refusals: the audit trail, or the EMR behind it
    private static final String AUDIT_REFUSED = "Audit trail unavailable";
    private static final List<String> EMR_FAILED = List.of("EMR unavailable", "The EMR ");

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
            throw new DependencyUnavailableException(unavailableSystem(e.getStatus()), e);
        }
    }

    /**
     * The system that really failed, for the problem the patient or staff member reads. records-service refuses what
     * it cannot audit (its audit events go through Kafka) and says so in the status description, as it does when the
     * EMR is away; a call it never answered is records-service's own failure; a call we could not even send for want
     * of a service token is the sign-in service's.
     */
    static String unavailableSystem(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        if (status.getCode() == Status.Code.UNAVAILABLE && description.startsWith(AUDIT_REFUSED)) {
            return AUDIT_TRAIL;
        }
        if (EMR_FAILED.stream().anyMatch(description::startsWith)) {
            return MEDICAL_RECORD_SYSTEM;
        }
        if (status.getCause() instanceof DependencyUnavailableException cause) {
            return cause.dependency();
        }
        return RECORDS_SERVICE;
    }

    @Override
    public void destroy() {
        channel.shutdown();
    }
}
