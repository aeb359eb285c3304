package health.portal.identity.account;

import health.portal.identity.accesslog.PatientOfUser;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /** An enrolled account whose access has not been ended. */
    public boolean isActive(String userId) {
        return db.sql("select count(*) from patient_account where user_id = ? and terminated_at is null")
                        .param(userId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    public boolean isTerminated(String userId) {
        return db.sql("select count(*) from patient_account where user_id = ? and terminated_at is not null")
                        .param(userId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /** Those of the Keycloak user ids that are (or were) an enrolled account. */
    public Set<String> knownUserIds(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(db.sql("select user_id from patient_account where user_id in (:ids)")
                .param("ids", List.copyOf(userIds))
                .query(String.class)
                .list());
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
