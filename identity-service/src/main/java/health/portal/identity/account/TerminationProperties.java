package health.portal.identity.account;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code portal.termination.*}: the Keycloak side of ending access.
 *
 * @param lease         how long the request (or a retry) holds a sign-out before another instance may take it over
 * @param retryInterval how often sign-outs that are due are looked for (also at start-up)
 * @param retryBackoff  the wait after the first failed attempt; it doubles with each further one, up to ten minutes
 */
@ConfigurationProperties("portal.termination")
record TerminationProperties(Duration lease, Duration retryInterval, Duration retryBackoff) {

    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    TerminationProperties {
        lease = lease == null ? Duration.ofSeconds(60) : lease;
        retryInterval = retryInterval == null ? Duration.ofSeconds(10) : retryInterval;
        retryBackoff = retryBackoff == null ? Duration.ofSeconds(5) : retryBackoff;
    }

    Duration backoffAfter(int failedAttempts) {
        Duration wait = retryBackoff.multipliedBy(1L << Math.min(Math.max(failedAttempts - 1, 0), 16));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }
}
