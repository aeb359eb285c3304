package health.portal.identity.enrollment;

import health.portal.platform.problem.DependencyUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * Finishes what crashed or failed enrollments left open, at start-up and then every
 * {@code portal.enrollment.reconcile-interval}: a RECORDED intent gets its user enabled, a PENDING one its user
 * deleted. Only intents whose lease has run out are claimed, and the claim skips rows another instance is claiming,
 * so instances never work on the same intent at once.
 */
@Component
class EnrollmentReconciler {

    private static final Logger log = LoggerFactory.getLogger(EnrollmentReconciler.class);

    private final EnrollmentIntents intents;
    private final IntentResolution resolution;
    private final EnrollmentProperties properties;

    EnrollmentReconciler(EnrollmentIntents intents, IntentResolution resolution, EnrollmentProperties properties) {
        this.intents = intents;
        this.resolution = resolution;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${portal.enrollment.reconcile-interval:30s}")
    void reconcile() {
        String owner = "reconciler-" + UUID.randomUUID();
        List<Intent> claimed;
        do {
            claimed = intents.claimExpired(owner, properties.lease(), properties.batchSize());
            for (Intent intent : claimed) {
                if (!settle(intent)) {
                    return; // Keycloak is away: the claimed rest waits for its lease to run out, then the next run
                }
            }
        } while (claimed.size() == properties.batchSize());
    }

    private boolean settle(Intent intent) {
        try {
            resolution.resolve(intent);
            log.info("Enrollment intent {} ({}) settled after its request ended", intent.id(), intent.state());
            return true;
        } catch (DependencyUnavailableException e) {
            log.warn("Enrollment intent {} not settled yet: {}", intent.id(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            log.error("Enrollment intent {} could not be settled", intent.id(), e);
            return true;
        }
    }
}
