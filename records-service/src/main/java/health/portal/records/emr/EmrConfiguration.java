package health.portal.records.emr;

import health.portal.emr.adapter.EmrClient;
import health.portal.emr.adapter.EmrSettings;
import health.portal.emr.adapter.smart.SmartBackendSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmrProperties.class)
class EmrConfiguration {

    @Bean
    EmrClient emrClient(EmrProperties p, ForeignResourceAlarm foreignResources) {
        EmrSettings s = EmrSettings.defaults(p.baseUrl());
        s = s.withTimeouts(or(p.connectTimeout(), s.connectTimeout()), or(p.readTimeout(), s.readTimeout()))
                .withRetry(or(p.readAttempts(), s.readAttempts()), or(p.retryBackoff(), s.retryBackoff()))
                .withCircuitBreaker(
                        or(p.failureRateThreshold(), s.failureRateThreshold()),
                        or(p.slidingWindowSize(), s.slidingWindowSize()),
                        or(p.minimumCalls(), s.minimumCalls()),
                        or(p.openStateWait(), s.openStateWait()));
        EmrProperties.Smart smart = p.smart();
        if (smart != null && smart.tokenUrl() != null && !smart.tokenUrl().isBlank()) {
            s = s.withSmart(new SmartBackendSettings(
                    URI.create(smart.tokenUrl()),
                    smart.clientId(),
                    privateKey(smart),
                    smart.keyId(),
                    smart.scope(),
                    null));
        }
        return new EmrClient(s, foreignResources);
    }

    /** A PKCS#8 PEM private key (RSA for RS384, EC P-384 for ES384). */
    private static PrivateKey privateKey(EmrProperties.Smart smart) {
        if (smart.privateKey() == null) {
            throw new IllegalStateException("records.emr.smart.private-key is required when token-url is set");
        }
        try (InputStream in = smart.privateKey().getInputStream()) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder()
                    .decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
            for (String alg : new String[] {"RSA", "EC"}) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(spec);
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            throw new IllegalStateException("records.emr.smart.private-key is neither an RSA nor an EC PKCS#8 key");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read records.emr.smart.private-key", e);
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
