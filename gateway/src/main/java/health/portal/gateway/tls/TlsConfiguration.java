package health.portal.gateway.tls;

import health.portal.platform.security.tls.SelfSignedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.StringUtils;

/**
 * The public port speaks HTTPS only. Protocols and ciphers come from {@code server.ssl.*}; when no key material is
 * configured and self-signed mode is on (local runs), a fresh self-signed certificate is generated.
 */
@Configuration(proxyBeanMethods = false)
class TlsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TlsConfiguration.class);

    static {
        // also here, not only in main(): tests and other launchers build the context without GatewayApplication.main
        ClientRenegotiation.refuse();
    }

    @Bean
    GeneratedCertificate generatedCertificate() {
        return new GeneratedCertificate();
    }

    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> httpsOnly(
            TlsProperties properties, GeneratedCertificate generated) {
        return new HttpsOnlyCustomizer(properties, generated);
    }

    @Bean
    HttpsRedirectServer httpsRedirectServer(TlsProperties properties) {
        return new HttpsRedirectServer(properties);
    }

    private record HttpsOnlyCustomizer(TlsProperties properties, GeneratedCertificate generated)
            implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

        @Override
        public void customize(NettyReactiveWebServerFactory factory) {
            Ssl ssl = factory.getSsl() != null ? factory.getSsl() : new Ssl();
            boolean hasKeyMaterial = StringUtils.hasText(ssl.getBundle())
                    || StringUtils.hasText(ssl.getKeyStore())
                    || StringUtils.hasText(ssl.getCertificate());
            if (!hasKeyMaterial) {
                if (!properties.selfSigned()) {
                    throw new IllegalStateException("No TLS key material configured (server.ssl.key-store or "
                            + "server.ssl.bundle) and gateway.tls.self-signed is off: refusing to serve plain HTTP");
                }
                SelfSignedCertificate keyStore = SelfSignedCertificate.generate(properties.hostnames(), "gateway");
                generated.set(keyStore.certificate());
                ssl.setKeyStore("file:" + writeKeyStore(keyStore));
                ssl.setKeyStoreType("PKCS12");
                ssl.setKeyStorePassword(keyStore.password());
                ssl.setKeyAlias(keyStore.alias());
                log.warn(
                        "Serving HTTPS with a generated self-signed certificate for {} (local runs only)",
                        properties.hostnames());
            }
            ssl.setEnabled(true);
            factory.setSsl(ssl);
        }

        private static java.nio.file.Path writeKeyStore(SelfSignedCertificate keyStore) {
            try {
                return keyStore.writeTemporaryKeyStore("gateway-self-signed-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
