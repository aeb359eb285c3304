package health.portal.records.tls;

import health.portal.platform.security.tls.SelfSignedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The gRPC server's TLS (bundle "records-grpc", used through spring.grpc.server.ssl.bundle):
 * <ul>
 *   <li>RECORDS_TLS_CERTIFICATE and RECORDS_TLS_PRIVATE_KEY (PEM files or PEM text) when given: production;</li>
 *   <li>otherwise a self-signed certificate generated at every start, its PEM written to RECORDS_TLS_GENERATED_CERT
 *       (default: the temp folder) for local clients to trust;</li>
 *   <li>plaintext only when asked for explicitly with RECORDS_GRPC_TLS=false (tests, a service mesh that
 *       terminates TLS).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class GrpcTlsConfiguration {

    public static final String BUNDLE = "records-grpc";
    private static final Logger log = LoggerFactory.getLogger(GrpcTlsConfiguration.class);

    /** The certificate generated at start, if any (tests trust it). */
    public record GeneratedCertificate(Optional<SelfSignedCertificate> certificate) {}

    @Bean
    GeneratedCertificate generatedCertificate(
            @Value("${spring.grpc.server.ssl.enabled:true}") boolean tls,
            @Value("${records.tls.certificate:}") String certificate,
            @Value("${records.tls.generated-certificate-file:}") String pemFile)
            throws IOException {
        if (!tls || !certificate.isBlank()) {
            return new GeneratedCertificate(Optional.empty());
        }
        SelfSignedCertificate generated =
                SelfSignedCertificate.generate(java.util.List.of("localhost", "127.0.0.1"), "records-grpc");
        Path file = pemFile.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "records-service", "grpc-server-cert.pem")
                : Path.of(pemFile);
        generated.writePem(file);
        log.warn(
                "No gRPC server certificate configured: using a self-signed one made at start (clients must trust {}). "
                        + "Set RECORDS_TLS_CERTIFICATE and RECORDS_TLS_PRIVATE_KEY outside local runs.",
                file);
        return new GeneratedCertificate(Optional.of(generated));
    }

    @Bean
    SslBundleRegistrar recordsGrpcBundle(
            GeneratedCertificate generated,
            @Value("${spring.grpc.server.ssl.enabled:true}") boolean tls,
            @Value("${records.tls.certificate:}") String certificate,
            @Value("${records.tls.private-key:}") String privateKey) {
        return registry -> {
            if (!tls) {
                log.warn("gRPC server runs WITHOUT TLS (RECORDS_GRPC_TLS=false)");
                return;
            }
            if (!certificate.isBlank()) {
                if (privateKey.isBlank()) {
                    throw new IllegalStateException(
                            "RECORDS_TLS_CERTIFICATE is set but RECORDS_TLS_PRIVATE_KEY is not");
                }
                registry.registerBundle(
                        BUNDLE,
                        SslBundle.of(new PemSslStoreBundle(
                                PemSslStoreDetails.forCertificate(certificate).withPrivateKey(privateKey), null)));
                return;
            }
            SelfSignedCertificate self = generated.certificate().orElseThrow();
            registry.registerBundle(
                    BUNDLE,
                    SslBundle.of(
                            SslStoreBundle.of(self.keyStore(), self.password(), null),
                            org.springframework.boot.ssl.SslBundleKey.of(self.password(), "records-grpc")));
        };
    }
}
