package health.portal.emr.adapter;

import health.portal.emr.adapter.smart.SmartBackendSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the EMR and how hard to try.
 *
 * @param baseUrl FHIR R4 base, e.g. http://localhost:8090/fhir
 * @param connectTimeout TCP connect timeout of one request
 * @param readTimeout socket read timeout of one request (a silent EMR fails after this)
 * @param searchPageSize _count asked of the EMR per search page
 * @param readAttempts attempts per read request (1 = no retry); writes are never retried unless idempotent
 * @param retryBackoff first backoff between attempts, doubled each time
 * @param failureRateThreshold percent of failed calls in the window that opens the circuit
 * @param slidingWindowSize number of recent calls the breaker looks at
 * @param minimumCalls calls needed before the breaker judges
 * @param openStateWait how long the circuit stays open before trial calls
 * @param smart SMART Backend Services credentials, or null when the EMR is open (the sandbox)
 * @param maxConnections HTTP connections to the EMR at most (a summary asks up to six at once)
 * @param unsupportedFeatureMemory how long a feature the EMR refused (an _include, a _sort, $lastn) is not asked for
 *     again; zero asks every time
 */
public record EmrSettings(
        String baseUrl,
        Duration connectTimeout,
        Duration readTimeout,
        int searchPageSize,
        int readAttempts,
        Duration retryBackoff,
        float failureRateThreshold,
        int slidingWindowSize,
        int minimumCalls,
        Duration openStateWait,
        SmartBackendSettings smart,
        int maxConnections,
        Duration unsupportedFeatureMemory) {

    public EmrSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("EMR base URL must be http(s): " + baseUrl);
        }
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (readAttempts < 1) {
            throw new IllegalArgumentException("readAttempts must be at least 1");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        Objects.requireNonNull(unsupportedFeatureMemory, "unsupportedFeatureMemory");
    }

    /** Production-like defaults for a base URL. */
    public static EmrSettings defaults(String baseUrl) {
        return new EmrSettings(
                baseUrl,
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                100,
                3,
                Duration.ofMillis(200),
                50f,
                20,
                10,
                Duration.ofSeconds(30),
                null,
                64,
                Duration.ofHours(1));
    }

    public EmrSettings withTimeouts(Duration connect, Duration read) {
        return new EmrSettings(
                baseUrl,
                connect,
                read,
                searchPageSize,
                readAttempts,
                retryBackoff,
                failureRateThreshold,
                slidingWindowSize,
                minimumCalls,
                openStateWait,
                smart,
                maxConnections,
                unsupportedFeatureMemory);
    }

    public EmrSettings withRetry(int attempts, Duration backoff) {
        return new EmrSettings(
                baseUrl,
                connectTimeout,
                readTimeout,
                searchPageSize,
                attempts,
                backoff,
                failureRateThreshold,
                slidingWindowSize,
                minimumCalls,
                openStateWait,
                smart,
                maxConnections,
                unsupportedFeatureMemory);
    }

    public EmrSettings withCircuitBreaker(float threshold, int window, int minCalls, Duration openWait) {
        return new EmrSettings(
                baseUrl,
                connectTimeout,
                readTimeout,
                searchPageSize,
                readAttempts,
                retryBackoff,
                threshold,
                window,
                minCalls,
                openWait,
                smart,
                maxConnections,
                unsupportedFeatureMemory);
    }

    public EmrSettings withSearchPageSize(int size) {
        return new EmrSettings(
                baseUrl,
                connectTimeout,
                readTimeout,
                size,
                readAttempts,
                retryBackoff,
                failureRateThreshold,
                slidingWindowSize,
                minimumCalls,
                openStateWait,
                smart,
                maxConnections,
                unsupportedFeatureMemory);
    }

    public EmrSettings withSmart(SmartBackendSettings smartSettings) {
        return new EmrSettings(
                baseUrl,
                connectTimeout,
                readTimeout,
                searchPageSize,
                readAttempts,
                retryBackoff,
                failureRateThreshold,
                slidingWindowSize,
                minimumCalls,
                openStateWait,
                smartSettings,
                maxConnections,
                unsupportedFeatureMemory);
    }

    public EmrSettings withMaxConnections(int connections) {
        return new EmrSettings(
                baseUrl,
                connectTimeout,
                readTimeout,
                searchPageSize,
                readAttempts,
                retryBackoff,
                failureRateThreshold,
                slidingWindowSize,
                minimumCalls,
                openStateWait,
                smart,
                connections,
                unsupportedFeatureMemory);
    }

    public EmrSettings withUnsupportedFeatureMemory(Duration memory) {
        return new EmrSettings(
                baseUrl,
                connectTimeout,
                readTimeout,
                searchPageSize,
                readAttempts,
                retryBackoff,
                failureRateThreshold,
                slidingWindowSize,
                minimumCalls,
                openStateWait,
                smart,
                maxConnections,
                memory);
    }
}
