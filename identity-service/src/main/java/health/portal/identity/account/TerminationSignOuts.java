package health.portal.identity.account;

import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.keycloak.PatientUser;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.proto.events.v1.AccessTerminated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Keycloak side of terminations (table {@code termination_sign_out}): recorded in the termination's transaction,
 * carried out after it commits, retried with back-off until done. Carrying one out disables every Keycloak user
 * with the patient's {@code patient_id}, not only the recorded account, and ends their sessions.
 */
@Component
class TerminationSignOuts {

    private static final Logger log = LoggerFactory.getLogger(TerminationSignOuts.class);
    private static final String COLUMNS = "id, patient_id, user_id, reason, terminated_by, attempts, lease_owner";
    private static final RowMapper<SignOut> ROW = (rs, i) -> new SignOut(
            rs.getObject("id", UUID.class),
            rs.getString("patient_id"),
            rs.getString("user_id"),
            rs.getString("reason"),
            rs.getString("terminated_by"),
            rs.getInt("attempts"),
            rs.getString("lease_owner"));

    /** One sign-out to carry out; {@code owner} holds its lease. */
    record SignOut(
            UUID id, String patientId, String userId, String reason, String terminatedBy, int attempts, String owner) {}

    private final JdbcClient db;
    private final KeycloakAccounts keycloak;
    private final OutboxPublisher outbox;
    private final TransactionTemplate tx;
    private final TerminationProperties properties;

    TerminationSignOuts(
            JdbcClient db,
            KeycloakAccounts keycloak,
            OutboxPublisher outbox,
            TransactionTemplate tx,
            TerminationProperties properties) {
        this.db = db;
        this.keycloak = keycloak;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
    }

    /** In the termination's transaction: the sign-out to do once it commits, held by the caller. */
    SignOut schedule(String patientId, String userId, String reason, String staffUserId, Instant at) {
        SignOut signOut = new SignOut(
                UUID.randomUUID(),
                patientId,
                userId,
                reason,
                staffUserId,
                0,
                UUID.randomUUID().toString());
        db.sql("""
                        insert into termination_sign_out (id, patient_id, user_id, reason, terminated_by, terminated_at,
                            state, lease_owner, lease_until)
                        values (?, ?, ?, ?, ?, ?, ?, ?, now() + ? * interval '1 millisecond')""")
                .params(
                        signOut.id(),
                        patientId,
                        userId,
                        reason,
                        staffUserId,
                        at.atOffset(ZoneOffset.UTC),
                        SignOutState.PENDING.name(),
                        signOut.owner(),
                        properties.lease().toMillis())
                .update();
        return signOut;
    }

    /** @return true if done; false if Keycloak failed and a retry is scheduled */
    boolean carryOut(SignOut signOut) {
        try {
            List<String> disabled = disableEveryUserOf(signOut);
            finish(signOut, disabled);
            return true;
        } catch (RuntimeException e) {
            retryLater(signOut, e);
            return false;
        }
    }

    private List<String> disableEveryUserOf(SignOut signOut) {
        Set<String> userIds = new LinkedHashSet<>();
        userIds.add(signOut.userId());
        keycloak.usersWithPatientId(signOut.patientId()).stream()
                .map(PatientUser::id)
                .forEach(userIds::add);
        List<String> disabled = new ArrayList<>();
        for (String userId : userIds) {
            if (keycloak.disableAndSignOut(userId)) {
                disabled.add(userId);
            }
        }
        return disabled;
    }

    /**
     * DONE, and an AccessTerminated for each further user, so that the gateway refuses them at once too (the
     * termination's own event named the recorded account).
     */
    private void finish(SignOut signOut, List<String> disabled) {
        tx.executeWithoutResult(status -> {
            if (!markDone(signOut, disabled.size())) {
                return;
            }
            disabled.stream()
                    .filter(userId -> !userId.equals(signOut.userId()))
                    .forEach(userId -> outbox.publish(
                            Topics.IDENTITY_EVENTS,
                            signOut.patientId(),
                            AccessTerminated.newBuilder()
                                    .setPatientId(signOut.patientId())
                                    .setUserId(userId)
                                    .setReason(signOut.reason())
                                    .setTerminatedBy(signOut.terminatedBy())
                                    .build(),
                            signOut.patientId()));
        });
        if (disabled.size() > 1) {
            log.warn(
                    "Termination of patient {} disabled {} Keycloak users carrying the patient id",
                    signOut.patientId(),
                    disabled.size());
        }
    }

    private boolean markDone(SignOut signOut, int disabledUsers) {
        return db.sql("""
                                update termination_sign_out set state = ?, done_at = now(), disabled_users = ?,
                                    lease_owner = null
                                where id = ? and state = ? and lease_owner = ?""")
                        .params(
                                SignOutState.DONE.name(),
                                disabledUsers,
                                signOut.id(),
                                SignOutState.PENDING.name(),
                                signOut.owner())
                        .update()
                == 1;
    }

    private void retryLater(SignOut signOut, RuntimeException failure) {
        int attempts = signOut.attempts() + 1;
        log.warn(
                "Sign-out of patient {} failed (attempt {}), retried later: {}",
                signOut.patientId(),
                attempts,
                failure.toString());
        db.sql("""
                        update termination_sign_out set attempts = ?, last_error = ?, lease_owner = null,
                            lease_until = now() + ? * interval '1 millisecond'
                        where id = ? and state = ? and lease_owner = ?""")
                .params(
                        attempts,
                        cut(failure.toString(), 200),
                        properties.backoffAfter(attempts).toMillis(),
                        signOut.id(),
                        SignOutState.PENDING.name(),
                        signOut.owner())
                .update();
    }

    /** Sign-outs whose retry is due (or whose holder died), each claimed once even with several instances. */
    List<SignOut> claimDue(String owner, int limit) {
        return db.sql(
                        "update termination_sign_out set lease_owner = ?, lease_until = now() + ? * interval '1 millisecond'"
                                + " where id in (select id from termination_sign_out where state = ? and lease_until <= now()"
                                + " order by lease_until limit ? for update skip locked)"
                                + " returning " + COLUMNS)
                .params(owner, properties.lease().toMillis(), SignOutState.PENDING.name(), limit)
                .query(ROW)
                .list();
    }

    boolean pendingFor(String patientId) {
        return db.sql("select count(*) from termination_sign_out where patient_id = ? and state = ?")
                        .params(patientId, SignOutState.PENDING.name())
                        .query(Integer.class)
                        .single()
                > 0;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
