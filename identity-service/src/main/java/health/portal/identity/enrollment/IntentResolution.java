package health.portal.identity.enrollment;

import health.portal.identity.account.PatientAccounts;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.keycloak.PatientUser;
import org.springframework.stereotype.Component;

/**
 * What is left of an open intent, done by whoever holds its lease: the request itself, the patient's retry or a
 * reconciler. A recorded enrollment is completed (its user enabled); one that was not recorded is undone (its user
 * deleted, the user ID free again). Both may be repeated.
 */
@Component
class IntentResolution {

    private final KeycloakAccounts keycloak;
    private final PatientAccounts accounts;
    private final EnrollmentIntents intents;
    private final Installation installation;

    IntentResolution(
            KeycloakAccounts keycloak, PatientAccounts accounts, EnrollmentIntents intents, Installation installation) {
        this.keycloak = keycloak;
        this.accounts = accounts;
        this.intents = intents;
        this.installation = installation;
    }

    void resolve(Intent intent) {
        switch (intent.state()) {
            case RECORDED -> complete(intent);
            case PENDING -> undo(intent, null);
            case COMPLETED, UNDONE -> {}
        }
    }

    /**
     * Enables the user of a recorded enrollment, unless staff have ended the access since.
     *
     * @return whether the user can sign in now
     */
    boolean complete(Intent intent) {
        boolean enabled = false;
        if (accounts.isActive(intent.userId())) {
            enabled = keycloak.enable(intent.userId());
            // a termination that committed meanwhile may have signed the user out before this enable: it wins
            if (!accounts.isActive(intent.userId())) {
                keycloak.disableAndSignOut(intent.userId());
                enabled = false;
            }
        }
        intents.markCompleted(intent);
        return enabled;
    }

    /**
     * Deletes the user of an enrollment that was not recorded: by id when the caller created it, else the user
     * holding the user ID if the enrollment made it (same patient, this installation's mark or none).
     */
    void undo(Intent intent, String knownUserId) {
        if (knownUserId != null) {
            keycloak.delete(knownUserId);
        }
        keycloak.findByUsername(intent.username())
                .filter(user -> madeFor(intent, user))
                .ifPresent(user -> keycloak.delete(user.id()));
        intents.markUndone(intent);
    }

    private boolean madeFor(Intent intent, PatientUser user) {
        // a realm whose user profile lacks the mark drops it silently: then the patient id alone must match
        return intent.patientId().equals(user.patientId())
                && (user.installation() == null || user.installation().equals(installation.id()));
    }
}
