package health.portal.identity.keycloak;

import java.time.Instant;

/**
 * A Keycloak user as enrollment, termination and the reconcilers see it.
 *
 * @param patientId    attribute {@code patient_id}, null if the user has none
 * @param installation attribute {@code portal_installation}: the installation whose enrollment created the user, null
 *                     for users made otherwise (tests, tooling, the admin console)
 */
public record PatientUser(
        String id, String username, String patientId, String installation, boolean enabled, Instant createdAt) {}
