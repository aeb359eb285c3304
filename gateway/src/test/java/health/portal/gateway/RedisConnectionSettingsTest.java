package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway's Redis connection with a password and TLS, made the way the gateway makes it (its application.yml and
 * Spring Boot's Redis auto-configuration, Lettuce), against a second, real redis-server that requires both.
 */
class RedisConnectionSettingsTest {

    private static final String PASSWORD = "redis-" + UUID.randomUUID();

    private static Path directory;

    private static int tlsPort;

    private static ChildProcess redis;

    @BeforeAll
    static void startRedisWithPasswordAndTls() throws Exception {
        directory = Files.createTempDirectory("redis-tls");
        writeCertificate(directory);
        tlsPort = FreePorts.find();
        redis = ChildProcess.start(
                "Redis with TLS",
                List.of(
                        "redis-server",
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--tls-port",
                        String.valueOf(tlsPort),
                        "--tls-cert-file",
                        directory.resolve("redis.pem").toString(),
                        "--tls-key-file",
                        directory.resolve("redis-key.pem").toString(),
                        "--tls-ca-cert-file",
                        directory.resolve("redis.pem").toString(),
                        "--tls-auth-clients",
                        "no",
                        "--requirepass",
                        PASSWORD,
                        "--save",
                        "",
                        "--appendonly",
                        "no"),
                Map.of(),
                directory,
                InfrastructureSettings.testLogDirectory().resolve("redis-tls-" + tlsPort + ".log"));
        redis.awaitReady(Duration.ofSeconds(30), () -> FreePorts.isListening("127.0.0.1", tlsPort));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** Spring Boot's Redis connection with the gateway's own settings file, as the gateway starts it. */
    private ApplicationContextRunner gateway(String... environment) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        SslAutoConfiguration.class,
                        DataRedisAutoConfiguration.class,
                        DataRedisReactiveAutoConfiguration.class))
                .withInitializer(context -> {
                    try {
                        new YamlPropertySourceLoader()
                                .load("gateway application.yml", new ClassPathResource("application.yml"))
                                .forEach(source -> context.getEnvironment()
                                        .getPropertySources()
                                        .addLast(source));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                })
                .withPropertyValues("REDIS_HOST=localhost", "REDIS_PORT=" + tlsPort)
                .withPropertyValues(environment);
    }

    private static String ping(ReactiveRedisConnectionFactory factory) {
        return factory.getReactiveConnection().ping().block(Duration.ofSeconds(10));
    }

    @Test
    void theGatewayConnectsWithThePasswordOverTlsCheckingTheServersCertificate() {
        gateway(
                        "REDIS_PASSWORD=" + PASSWORD,
                        "REDIS_SSL_ENABLED=true",
                        "spring.data.redis.ssl.bundle=redis",
                        "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + directory.resolve("redis.pem"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(ping(context.getBean(ReactiveRedisConnectionFactory.class)))
                            .isEqualTo("PONG");
                });
    }

    @Test
    void withoutThePasswordRedisRefuses() {
        gateway(
                        "REDIS_SSL_ENABLED=true",
                        "spring.data.redis.ssl.bundle=redis",
                        "spring.ssl.bundle.pem.redis.truststore.certificate=file:" + directory.resolve("redis.pem"))
                .run(context -> assertThatThrownBy(() -> ping(context.getBean(ReactiveRedisConnectionFactory.class)))
                        .hasStackTraceContaining("NOAUTH"));
    }

    @Test
    void aServerCertificateTheGatewayDoesNotTrustIsRefused() {
        // TLS on, but only the JVM's trust store: the test server's self-signed certificate is not in it
        gateway("REDIS_PASSWORD=" + PASSWORD, "REDIS_SSL_ENABLED=true")
                .run(context -> assertThatThrownBy(() -> ping(context.getBean(ReactiveRedisConnectionFactory.class)))
                        .hasStackTraceContaining("Unable to connect"));
    }

    @Test
    void plainTextToTheTlsPortFails() {
        gateway("REDIS_PASSWORD=" + PASSWORD)
                .run(context -> assertThatThrownBy(() -> ping(context.getBean(ReactiveRedisConnectionFactory.class)))
                        .hasStackTraceContaining("Unable to connect"));
    }

    private static void writeCertificate(Path directory) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        var certificate = new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(
                                name,
                                BigInteger.valueOf(System.nanoTime()),
                                Date.from(Instant.now().minusSeconds(60)),
                                Date.from(Instant.now().plusSeconds(86400)),
                                name,
                                pair.getPublic())
                        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                        }))
                        .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        try (Writer out = Files.newBufferedWriter(directory.resolve("redis.pem"));
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certificate);
        }
        try (Writer out = Files.newBufferedWriter(directory.resolve("redis-key.pem"));
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pair.getPrivate());
        }
    }
}
