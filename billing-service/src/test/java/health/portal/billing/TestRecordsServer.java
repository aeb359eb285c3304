package health.portal.billing;

import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.BillingAccountList;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.ChargeList;
import health.portal.proto.records.v1.ListChargesRequest;
import health.portal.proto.records.v1.MailingAddress;
import health.portal.proto.records.v1.PatientRequest;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * records-service at the process boundary, for this module's tests: the billing rpcs of records.proto on a local port
 * (plaintext). Every patient has one USD account {@code acct-<patientId>} and a mailing address unless a test sets
 * others; charges are what a test adds, each with a description that must never reach billing's database. It can go
 * away for everyone ({@link #down}) or for some patients ({@link #downFor}), as the EMR does. The real
 * records-service and the sandbox are covered by the launcher's end-to-end tests.
 */
public final class TestRecordsServer {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    public final AtomicBoolean down = new AtomicBoolean();
    public final Set<String> downFor = ConcurrentHashMap.newKeySet();
    public final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    public final Map<String, List<BillingAccount>> accounts = new ConcurrentHashMap<>();
    /** By account id, oldest first. */
    public final Map<String, List<Charge>> charges = new ConcurrentHashMap<>();

    public final Set<String> withoutAddress = ConcurrentHashMap.newKeySet();

    private final Server server;

    public TestRecordsServer() {
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

    public static String accountOf(String patientId) {
        return "acct-" + patientId;
    }

    public List<BillingAccount> accountsOf(String patientId) {
        return accounts.getOrDefault(
                patientId,
                List.of(BillingAccount.newBuilder()
                        .setAccountId(accountOf(patientId))
                        .setName("Guarantor account")
                        .setCurrency("USD")
                        .setActive(true)
                        .setGuarantorReference("Patient/" + patientId)
                        .build()));
    }

    /** Adds a charge to the patient's default account. */
    public Charge charge(String patientId, String chargeItemId, String description, long amountMinor, String date) {
        Charge charge = Charge.newBuilder()
                .setChargeItemId(chargeItemId)
                .setAccountId(accountOf(patientId))
                .setDescription(description)
                .setCode("http://snomed.info/sct|185349003")
                .setAmountMinor(amountMinor)
                .setCurrency("USD")
                .setServiceDate(date)
                .setEncounterReference("Encounter/enc-" + chargeItemId)
                .build();
        charges.computeIfAbsent(accountOf(patientId), k -> new CopyOnWriteArrayList<>())
                .add(charge);
        return charge;
    }

    public static MailingAddress addressOf(String patientId) {
        return MailingAddress.newBuilder()
                .setName("Sam Rivera " + patientId)
                .addLines("12 Elm Street")
                .addLines("Apt 3, rear")
                .setCity("Springfield")
                .setState("MA")
                .setPostalCode("01101")
                .setCountry("US")
                .build();
    }

    private final class Records extends RecordsServiceGrpc.RecordsServiceImplBase {

        private boolean unavailable(String patientId, StreamObserver<?> observer) {
            if (down.get() || downFor.contains(patientId)) {
                observer.onError(Status.UNAVAILABLE.withDescription("EMR away").asRuntimeException());
                return true;
            }
            return false;
        }

        @Override
        public void listBillingAccounts(PatientRequest request, StreamObserver<BillingAccountList> observer) {
            if (unavailable(request.getPatientId(), observer)) {
                return;
            }
            observer.onNext(BillingAccountList.newBuilder()
                    .addAllAccounts(accountsOf(request.getPatientId()))
                    .build());
            observer.onCompleted();
        }

        @Override
        public void listCharges(ListChargesRequest request, StreamObserver<ChargeList> observer) {
            if (unavailable(request.getPatientId(), observer)) {
                return;
            }
            boolean own = accountsOf(request.getPatientId()).stream()
                    .anyMatch(a -> a.getAccountId().equals(request.getAccountId()));
            if (!own) {
                observer.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            List<Charge> all = charges.getOrDefault(request.getAccountId(), List.of());
            List<Charge> wanted = request.getChargeItemIdsList().isEmpty()
                    ? all
                    : all.stream()
                            .filter(c -> request.getChargeItemIdsList().contains(c.getChargeItemId()))
                            .toList();
            observer.onNext(ChargeList.newBuilder().addAllCharges(wanted).build());
            observer.onCompleted();
        }

        @Override
        public void getMailingAddress(PatientRequest request, StreamObserver<MailingAddress> observer) {
            if (unavailable(request.getPatientId(), observer)) {
                return;
            }
            if (withoutAddress.contains(request.getPatientId())) {
                observer.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            observer.onNext(addressOf(request.getPatientId()));
            observer.onCompleted();
        }
    }
}
