package health.portal.billing.records;

import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.security.ServiceToken;
import health.portal.platform.security.grpc.BearerCallCredentials;
import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.ListChargesRequest;
import health.portal.proto.records.v1.MailingAddress;
import health.portal.proto.records.v1.PatientRequest;
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
import java.util.function.Supplier;

/**
 * records-service's billing rpcs over gRPC (channel {@code records}), each call with billing-service's own service
 * token. A records-service or EMR that does not answer is a {@link DependencyUnavailableException}. What comes back
 * (descriptions, addresses) is used in memory only.
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
            @Value("${billing.records.deadline:10s}") Duration deadline) {
        this.channel = channels.createChannel("records", ChannelBuilderOptions.defaults());
        this.stub =
                RecordsServiceGrpc.newBlockingStub(channel).withCallCredentials(new BearerCallCredentials(token::get));
        this.deadline = deadline;
    }

    public List<BillingAccount> accounts(String patientId) {
        return call(() -> stub().listBillingAccounts(patient(patientId))).getAccountsList();
    }

    /** The account's charges, oldest first (only these ids when some are named); empty when not the patient's. */
    public List<Charge> charges(String patientId, String accountId, Collection<String> chargeItemIds) {
        try {
            return stub().listCharges(ListChargesRequest.newBuilder()
                            .setPatientId(patientId)
                            .setAccountId(accountId)
                            .addAllChargeItemIds(chargeItemIds)
                            .build())
                    .getChargesList();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return List.of();
            }
            throw unavailable(e);
        }
    }

    public Optional<MailingAddress> mailingAddress(String patientId) {
        try {
            return Optional.of(stub().getMailingAddress(patient(patientId)));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw unavailable(e);
        }
    }

    private static PatientRequest patient(String patientId) {
        return PatientRequest.newBuilder().setPatientId(patientId).build();
    }

    private RecordsServiceGrpc.RecordsServiceBlockingStub stub() {
        return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw unavailable(e);
        }
    }

    private static DependencyUnavailableException unavailable(StatusRuntimeException e) {
        return new DependencyUnavailableException(RECORDS, e);
    }

    @Override
    public void destroy() {
        channel.shutdown();
    }
}
