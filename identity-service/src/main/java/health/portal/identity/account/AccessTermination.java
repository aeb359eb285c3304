package health.portal.identity.account;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.activation.ActivationCodeService;
import health.portal.identity.web.ClientInfo;
import health.portal.identity.web.StaffMember;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.AccessTerminated;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;

/**
 * Staff end a patient's access: account terminated, outstanding codes revoked, event published, every Keycloak user of
 * the patient disabled and signed out. The database side is one transaction; it holds the access log's lock, so
 * Keycloak is told only after it commits ({@link TerminationSignOuts}, retried until done). Until then the account
 * is refused anyway: the gateway by the AccessTerminated event, {@code /api/me} by {@link TerminatedAccountFilter}.
 */
@Service
@EnableConfigurationProperties(TerminationProperties.class)
public class AccessTermination {

    private final PatientAccounts accounts;
    private final ActivationCodeService codes;
    private final OutboxPublisher outbox;
    private final AccessLog accessLog;
    private final TerminationSignOuts signOuts;
    private final TransactionTemplate tx;
    private final Clock clock;

    AccessTermination(
            PatientAccounts accounts,
            ActivationCodeService codes,
            OutboxPublisher outbox,
            AccessLog accessLog,
            TerminationSignOuts signOuts,
            TransactionTemplate tx,
            Clock clock) {
        this.accounts = accounts;
        this.codes = codes;
        this.outbox = outbox;
        this.accessLog = accessLog;
        this.signOuts = signOuts;
        this.tx = tx;
        this.clock = clock;
    }

    /** @param signInDisabled false if Keycloak could not be told yet: it is retried, the account is refused meanwhile */
    public record Terminated(
            String patientId,
            String userId,
            Instant terminatedAt,
            int revokedActivationCodes,
            boolean signInDisabled) {}

    private record Recorded(
            PatientAccounts.Account account, Instant at, int revoked, TerminationSignOuts.SignOut signOut) {}

    public Terminated terminate(String patientId, String reason, StaffMember staff, ClientInfo client) {
        Recorded recorded = tx.execute(status -> record(patientId, reason, staff, client));
        boolean signInDisabled = signOuts.carryOut(recorded.signOut());
        return new Terminated(
                patientId, recorded.account().userId(), recorded.at(), recorded.revoked(), signInDisabled);
    }

    /** Whether a termination of the patient still waits for Keycloak. */
    public boolean signOutPending(String patientId) {
        return signOuts.pendingFor(patientId);
    }

    private Recorded record(String patientId, String reason, StaffMember staff, ClientInfo client) {
        String staffUserId = staff.subject();
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
                staff.username(),
                "STAFF",
                client.ip(),
                client.userAgent(),
                "by " + staff.describe()));
        TerminationSignOuts.SignOut signOut = signOuts.schedule(patientId, account.userId(), reason, staffUserId, now);
        return new Recorded(account, now, revoked, signOut);
    }
}
