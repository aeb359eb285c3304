package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.records.tls.GrpcTlsConfiguration.GeneratedCertificate;
import health.portal.testsupport.TestTokens;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Without a configured certificate the service makes a self-signed one at start and speaks only TLS. */
@SpringBootTest(
        properties = {
            "spring.grpc.server.port=0",
            "server.port=0",
            "records.tls.generated-certificate-file=target/tls-test/grpc-server-cert.pem",
        })
class TlsTest {

    @LocalGrpcPort
    int port;

    @Autowired
    GeneratedCertificate generated;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.kafka.bootstrap-servers", () -> KafkaBroker.shared().bootstrapServers());
        GrpcTestBase.publishCurrentTerms();
        GrpcTestBase.emrAndTokens(registry);
    }

    @Autowired
    health.portal.platform.security.terms.CurrentTerms currentTerms;

    @org.junit.jupiter.api.BeforeEach
    void currentTermsKnown() throws InterruptedException {
        GrpcTestBase.awaitCurrentTerms(currentTerms);
    }

    @Test
    void aClientTrustingTheGeneratedCertificateGetsIn() throws Exception {
        Path pem = Path.of("target/tls-test/grpc-server-cert.pem");
        assertThat(Files.readString(pem))
                .isEqualTo(generated.certificate().orElseThrow().pem());
        ManagedChannel tls = NettyChannelBuilder.forAddress("localhost", port)
                .sslContext(
                        GrpcSslContexts.forClient().trustManager(pem.toFile()).build())
                .build();
        try {
            Metadata md = new Metadata();
            md.put(GrpcTestBase.AUTHORIZATION, "Bearer " + TestTokens.shared().patient("demo-sam"));
            var profile = RecordsServiceGrpc.newBlockingStub(tls)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                    .getPatientProfile(
                            PatientRequest.newBuilder().setPatientId("demo-sam").build());
            assertThat(profile.getFamilyName()).isEqualTo("Okafor");
        } finally {
            tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plaintextIsRefused() throws Exception {
        ManagedChannel plain =
                NettyChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            StatusRuntimeException e = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> RecordsServiceGrpc.newBlockingStub(plain)
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getPatientProfile(PatientRequest.newBuilder()
                                    .setPatientId("demo-sam")
                                    .build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
