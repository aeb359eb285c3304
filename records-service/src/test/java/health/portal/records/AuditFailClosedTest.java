package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.testsupport.TestTokens;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * With no Kafka to take the audit record, a permitted read is refused: no unaudited access to a record. Without Kafka
 * the service has not learned the current terms of use either, so a patient is refused before that: closed, not open.
 */
@SpringBootTest(
        properties = {
            "spring.grpc.server.port=0",
            "spring.grpc.server.ssl.enabled=false",
            "server.port=0",
            "spring.kafka.producer.properties.max.block.ms=1500",
            "spring.kafka.producer.properties.request.timeout.ms=1000",
            "spring.kafka.producer.properties.delivery.timeout.ms=1500",
            "records.audit.timeout=2s",
        })
class AuditFailClosedTest {

    @LocalGrpcPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        int kafka = deadPort;
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + kafka);
        GrpcTestBase.emrAndTokens(registry);
    }

    private StatusRuntimeException read(Metadata md) throws InterruptedException {
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> RecordsServiceGrpc.newBlockingStub(channel)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                            .withDeadlineAfter(30, TimeUnit.SECONDS)
                            .getHealthSummary(PatientRequest.newBuilder()
                                    .setPatientId("demo-alex")
                                    .build()));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReadThatCannotBeAuditedIsRefused() throws Exception {
        // staff are not subject to the terms of use: their read reaches the audit, which cannot take it
        Metadata md = new Metadata();
        md.put(GrpcTestBase.AUTHORIZATION, "Bearer " + TestTokens.shared().staff());
        md.put(GrpcTestBase.PURPOSE_OF_USE, "TREAT");
        StatusRuntimeException e = read(md);
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isEqualTo("Audit trail unavailable; access refused");
    }

    @Test
    void aPatientIsRefusedWhileTheCurrentTermsAreUnknown() throws Exception {
        Metadata md = new Metadata();
        md.put(GrpcTestBase.AUTHORIZATION, "Bearer " + TestTokens.shared().patient("demo-alex"));
        StatusRuntimeException e = read(md);
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).contains("terms of use are not known");
    }
}
