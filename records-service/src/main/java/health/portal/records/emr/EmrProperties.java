package health.portal.records.emr;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

import java.time.Duration;

/**
 * records.emr.*: where the EMR is and how patiently to wait for it.
 *
 * @param baseUrl FHIR R4 base (EMR_FHIR_BASE_URL)
 * @param smart SMART Backend Services; off unless token-url is set (the sandbox is open)
 */
@ConfigurationProperties("records.emr")
public record EmrProperties(
        String baseUrl,
        Duration connectTimeout,
        Duration readTimeout,
        Integer readAttempts,
        Duration retryBackoff,
        Float failureRateThreshold,
        Integer slidingWindowSize,
        Integer minimumCalls,
        Duration openStateWait,
        Smart smart) {

    public record Smart(String tokenUrl, String clientId, Resource privateKey, String keyId, String scope) {}
}
