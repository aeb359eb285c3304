package health.portal.identity;

import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.proto.records.v1.VerifyPatientRequest;
import health.portal.proto.records.v1.VerifyPatientResponse;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * records.proto's VerifyPatient served on a free local port, with a few known patients: every id {@code pt-...}
 * is born on {@link #BIRTH_DATE}, {@code demo-alex} on 1985-03-14. Like records-service it wants a bearer token with
 * realm role {@code records-service} (only the payload is read here; records-service checks the signature). For a
 * patient named in {@link #failAudit} or {@link #failEmr} it answers as records-service does when its audit trail
 * (Kafka) or the EMR is away.
 */
public final class FakeRecordsService {

    public static final String BIRTH_DATE = "1980-01-15";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static volatile FakeRecordsService shared;

    private final Server server;
    final AtomicInteger authorizedCalls = new AtomicInteger();
    /** The W3C trace context each call arrived with. */
    final java.util.Queue<String> traceparents = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Patients whose calls records-service refuses for want of an audit trail. */
    final Set<String> failAudit = ConcurrentHashMap.newKeySet();
    /** Patients whose calls fail because the EMR does not answer. */
    final Set<String> failEmr = ConcurrentHashMap.newKeySet();

    private FakeRecordsService() {
        ServerInterceptor requireServiceToken = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String authorization = headers.get(AUTHORIZATION);
                if (authorization == null || !authorization.startsWith("Bearer ")) {
                    call.close(Status.UNAUTHENTICATED.withDescription("no bearer token"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                if (!hasRecordsServiceRole(authorization.substring(7))) {
                    call.close(
                            Status.PERMISSION_DENIED.withDescription("not a records-service caller"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                authorizedCalls.incrementAndGet();
                String traceparent = headers.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER));
                if (traceparent != null) {
                    traceparents.add(traceparent);
                }
                return next.startCall(call, headers);
            }
        };
        RecordsServiceGrpc.RecordsServiceImplBase records = new RecordsServiceGrpc.RecordsServiceImplBase() {
            @Override
            public void verifyPatient(VerifyPatientRequest request, StreamObserver<VerifyPatientResponse> response) {
                // the descriptions of records-service's GuardedCall
                if (failAudit.contains(request.getPatientId())) {
                    response.onError(Status.UNAVAILABLE
                            .withDescription("Audit trail unavailable; access refused")
                            .asRuntimeException());
                    return;
                }
                if (failEmr.contains(request.getPatientId())) {
                    response.onError(Status.UNAVAILABLE
                            .withDescription("EMR unavailable or too slow")
                            .asRuntimeException());
                    return;
                }
                String expected = request.getPatientId().startsWith("pt-")
                        ? BIRTH_DATE
                        : request.getPatientId().equals("demo-alex") ? "1985-03-14" : null;
                response.onNext(VerifyPatientResponse.newBuilder()
                        .setMatch(expected != null && expected.equals(request.getBirthDate()))
                        .build());
                response.onCompleted();
            }
        };
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(records, requireServiceToken))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FakeRecordsService shared() {
        if (shared == null) {
            synchronized (FakeRecordsService.class) {
                if (shared == null) {
                    FakeRecordsService created = new FakeRecordsService();
                    Runtime.getRuntime().addShutdownHook(new Thread(created.server::shutdownNow));
                    shared = created;
                }
            }
        }
        return shared;
    }

    public int port() {
        return server.getPort();
    }

    private static boolean hasRecordsServiceRole(String jwt) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
            JsonNode roles = JsonMapper.builder()
                    .build()
                    .readTree(payload)
                    .path("realm_access")
                    .path("roles");
            for (JsonNode role : roles) {
                if ("records-service".equals(role.asString())) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
