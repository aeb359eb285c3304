package health.portal.identity.contacts;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.account.PatientAccounts;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.keycloak.PatientUser;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the portal's notices to a patient go: the personal address of the patient's Keycloak user. A patient without
 * an enabled user, or whose access was ended, has none: no notice may reach someone who is no longer a portal user.
 */
@Service
class PatientContacts {

    private final KeycloakAccounts keycloak;
    private final PatientAccounts accounts;
    private final AccessLog accessLog;
    private final Clock clock;

    PatientContacts(KeycloakAccounts keycloak, PatientAccounts accounts, AccessLog accessLog, Clock clock) {
        this.keycloak = keycloak;
        this.accounts = accounts;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    /** The address, looked up for {@code client}; the lookup is recorded in the patient's access log. */
    Optional<String> noticeAddress(String patientId, String client) {
        Optional<PatientUser> user = keycloak.usersWithPatientId(patientId).stream()
                .filter(PatientUser::enabled)
                .filter(u -> !accounts.isTerminated(u.id()))
                .findFirst();
        Optional<String> email = user.flatMap(u -> keycloak.email(u.id()));
        email.ifPresent(address -> record(patientId, user.get().id(), client));
        return email;
    }

    private void record(String patientId, String userId, String client) {
        accessLog.append(new AccessLog.Entry(
                "PORTAL",
                "portal:contact:" + UUID.randomUUID(),
                patientId,
                userId,
                clock.instant(),
                "ACTIVITY",
                "contact.notice_address_read",
                "SUCCESS",
                client,
                "SERVICE",
                null,
                null,
                "notice address read by " + client));
    }
}
