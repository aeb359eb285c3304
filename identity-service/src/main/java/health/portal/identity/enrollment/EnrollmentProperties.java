package health.portal.identity.enrollment;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code portal.enrollment.*}.
 *
 * @param lease             how long a request (or a reconciler) holds an intent before others may take it over; longer
 *                          than an enrollment's Keycloak calls can take with their timeouts
 * @param reconcileInterval how often open intents whose lease ran out are finished or undone (also at start-up)
 * @param sweepInterval     how often this installation's Keycloak users are checked for orphans (also at start-up)
 * @param orphanGrace       users younger than this are never swept, whatever the database says
 * @param batchSize         intents one reconciler claim takes
 */
@ConfigurationProperties("portal.enrollment")
record EnrollmentProperties(
        Duration lease, Duration reconcileInterval, Duration sweepInterval, Duration orphanGrace, Integer batchSize) {

    EnrollmentProperties {
        lease = lease == null ? Duration.ofSeconds(60) : lease;
        reconcileInterval = reconcileInterval == null ? Duration.ofSeconds(30) : reconcileInterval;
        sweepInterval = sweepInterval == null ? Duration.ofHours(1) : sweepInterval;
        orphanGrace = orphanGrace == null ? Duration.ofMinutes(10) : orphanGrace;
        batchSize = batchSize == null ? 20 : batchSize;
    }
}
