package health.portal.identity.accesslog;

import java.util.Optional;

/**
 * Which patient a portal user is, as the accounts feature knows it. The access log asks through this port so that
 * it does not depend on the accounts feature, which itself writes to the access log.
 */
public interface PatientOfUser {

    /** The patient of a user, terminated accounts included (their history stays in the patient's log). */
    Optional<String> patientIdOfUser(String userId);
}
