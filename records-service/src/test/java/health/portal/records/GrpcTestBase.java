package health.portal.records;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.terms.TermsPublications;
import health.portal.platform.security.sealing.SealedBox;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.testsupport.TestTokens;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The service as it runs: real gRPC over a port (plaintext here, see TlsTest for TLS), real Kafka in the JVM, the
 * real EMR sandbox, JWTs checked against a JWKS over HTTP. All subclasses share one Spring context.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.grpc.server.port=0",
            "spring.grpc.server.ssl.enabled=false",
            "records.emr.read-timeout=1500ms",
            "records.emr.connect-timeout=1s",
            "records.emr.read-attempts=2",
            "records.emr.retry-backoff=20ms",
            "records.emr.minimum-calls=4",
            "records.emr.sliding-window-size=4",
            "records.emr.open-state-wait=2s",
        })
@Import(GrpcTestBase.CapturedSpans.class)
public abstract class GrpcTestBase {

    /** Finished spans, kept in memory so tests can see which traces the service continued. */
    @TestConfiguration(proxyBeanMethods = false)
    static class CapturedSpans {

        @Bean
        InMemorySpanExporter capturedSpans() {
            return InMemorySpanExporter.create();
        }
    }

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> PURPOSE_OF_USE =
            Metadata.Key.of("x-purpose-of-use", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> CORRELATION =
            Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);

    protected static final TestTokens tokens = TestTokens.shared();
    protected static ManagedChannel channel;

    @LocalGrpcPort
    int grpcPort;

    @Autowired
    CurrentTerms currentTerms;

    /** When the test terms were published: later than anything a test publishes as an older version. */
    static final Instant TERMS_PUBLISHED_AT = Instant.parse("2026-01-01T00:00:00Z");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        KafkaBroker kafka = KafkaBroker.shared();
        kafka.createTopics("portal.audit.events");
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        publishCurrentTerms();
        emrAndTokens(registry);
        // messaging-service seals to the public half; TlsTest and AuditFailClosedTest start without any key
        registry.add("records.sealing.key-id", () -> SEALING_KEY_ID);
        registry.add(
                "records.sealing.private-key",
                () -> SealedBox.pem("PRIVATE KEY", SEALING.getPrivate().getEncoded()));
    }

    /** records-service's sealing key pair of this test run (local runs make theirs at each start too). */
    static final String SEALING_KEY_ID = "records-test-" + UUID.randomUUID();

    static final KeyPair SEALING = rsaKeyPair();

    static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * identity-service's part: the test tokens' terms version ({@link TestTokens#TERMS_VERSION}) as the current one on
     * the compacted topic, which the service reads from its start.
     */
    static void publishCurrentTerms() {
        TermsPublications.publish(KafkaBroker.shared(), TestTokens.TERMS_VERSION, TERMS_PUBLISHED_AT);
    }

    /** Patients are refused until the service has read the current terms: the tests wait for that, once. */
    @BeforeEach
    void currentTermsKnown() throws InterruptedException {
        awaitCurrentTerms(currentTerms);
    }

    static void awaitCurrentTerms(CurrentTerms current) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (current.version().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        if (current.version().isEmpty()) {
            throw new IllegalStateException("records-service did not learn the current terms of use");
        }
    }

    static void emrAndTokens(DynamicPropertyRegistry registry) {
        registry.add("records.emr.base-url", () -> SharedSandbox.get().fhirBaseUrl());
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", tokens::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", tokens::jwkSetUri);
    }

    @BeforeAll
    static void noChannelYet() {
        channel = null;
    }

    @AfterAll
    static void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    protected AuditLog audit() {
        return AuditLog.shared(KafkaBroker.shared().bootstrapServers());
    }

    /** A blocking stub that sends this token (null: none) and a fresh correlation id, returned through {@code ids}. */
    protected RecordsServiceGrpc.RecordsServiceBlockingStub stub(String token, String correlationId) {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                    .usePlaintext()
                    .build();
        }
        Metadata md = new Metadata();
        if (token != null) {
            md.put(AUTHORIZATION, "Bearer " + token);
        }
        md.put(CORRELATION, correlationId);
        return RecordsServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    /** A staff member's stub, stating treatment as the purpose, as staff tooling does for every record it opens. */
    protected RecordsServiceGrpc.RecordsServiceBlockingStub staffStub(String correlationId) {
        Metadata purpose = new Metadata();
        purpose.put(PURPOSE_OF_USE, "TREAT");
        return stub(tokens.staff(), correlationId).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(purpose));
    }

    protected static String newCorrelationId() {
        return "t-" + UUID.randomUUID();
    }
}
