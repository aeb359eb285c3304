package health.portal.identity.account;

import health.portal.identity.accesslog.PatientOfUser;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** Which Keycloak user is which patient's portal account; at most one active account per patient. */
@Repository
public class PatientAccounts implements PatientOfUser {

    private final JdbcClient db;

    public PatientAccounts(JdbcClient db) {
        this.db = db;
    }

    public record Account(String userId, String patientId, String username, Instant enrolledAt) {}

    public void create(String userId, String patientId, String username, Instant enrolledAt) {
        db.sql("insert into patient_account (user_id, patient_id, username, enrolled_at) values (?, ?, ?, ?)")
                .params(userId, patientId, username, enrolledAt.atOffset(ZoneOffset.UTC))
                .update();
    }

    public Optional<Account> activeAccountOf(String patientId) {
        return db.sql("""
                        select user_id, patient_id, username, enrolled_at from patient_account
                        where patient_id = ? and terminated_at is null""")
                .param(patientId)
                .query((rs, i) -> new Account(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .optional();
    }

    @Override
    public Optional<String> patientIdOfUser(String userId) {
        return db.sql("select patient_id from patient_account where user_id = ?")
                .param(userId)
                .query(String.class)
                .optional();
    }

    public boolean terminate(String userId, String staffUserId, String reason, Instant at) {
        return db.sql("""
                        update patient_account set terminated_at = ?, terminated_by = ?, termination_reason = ?
                        where user_id = ? and terminated_at is null""")
                        .params(at.atOffset(ZoneOffset.UTC), staffUserId, reason, userId)
                        .update()
                == 1;
    }
}
