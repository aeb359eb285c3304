package health.portal.identity.account;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.activation.ActivationCodeService;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.web.ClientInfo;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.AccessTerminated;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;

/** Staff end a patient's access: account disabled, sessions ended, outstanding codes revoked, event published. */
@Service
public class AccessTermination {

    private final PatientAccounts accounts;
    private final KeycloakAccounts keycloak;
    private final ActivationCodeService codes;
    private final OutboxPublisher outbox;
    private final AccessLog accessLog;
    private final Clock clock;

    public AccessTermination(
            PatientAccounts accounts,
            KeycloakAccounts keycloak,
            ActivationCodeService codes,
            OutboxPublisher outbox,
            AccessLog accessLog,
            Clock clock) {
        this.accounts = accounts;
        this.keycloak = keycloak;
        this.codes = codes;
        this.outbox = outbox;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    public record Terminated(String patientId, String userId, Instant terminatedAt, int revokedActivationCodes) {}

    /**
     * The database changes and the event are one transaction; Keycloak is changed last inside it, so a Keycloak
     * failure rolls everything back and the call can simply be repeated.
     */
    @Transactional
    public Terminated terminate(String patientId, String reason, String staffUserId, ClientInfo client) {
        PatientAccounts.Account account = accounts.activeAccountOf(patientId)
                .orElseThrow(() -> Problems.exception(
                        HttpStatus.NOT_FOUND,
                        "no-active-account",
                        "No active portal account",
                        "This patient has no active portal account."));
        Instant now = clock.instant();
        accounts.terminate(account.userId(), staffUserId, reason, now);
        int revoked = codes.revokeAll(patientId, staffUserId);
        outbox.publish(
                Topics.IDENTITY_EVENTS,
                patientId,
                AccessTerminated.newBuilder()
                        .setPatientId(patientId)
                        .setUserId(account.userId())
                        .setReason(reason)
                        .setTerminatedBy(staffUserId)
                        .build(),
                patientId);
        accessLog.append(new AccessLog.Entry(
                "PORTAL",
                "portal:termination:" + account.userId(),
                patientId,
                account.userId(),
                now,
                "ACCOUNT",
                "account.access_terminated",
                "SUCCESS",
                staffUserId,
                "STAFF",
                client.ip(),
                client.userAgent(),
                null));
        keycloak.disableAndSignOut(account.userId());
        return new Terminated(patientId, account.userId(), now, revoked);
    }
}
