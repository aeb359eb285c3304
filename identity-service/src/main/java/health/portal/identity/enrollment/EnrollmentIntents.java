package health.portal.identity.enrollment;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The stored enrollment intents and their guarded state changes: each change names the state it leaves, and those
 * that need the lease name its owner, so a step that lost the race changes nothing and learns so. Leases are counted
 * in the database's time, the one clock every instance shares.
 */
@Repository
class EnrollmentIntents {

    private static final String OPEN = "('PENDING', 'RECORDED')";
    private static final String COLUMNS = "id, username, patient_id, activation_code_id, state, user_id, lease_owner,"
            + " (extract(epoch from (lease_until - now())) * 1000)::bigint as lease_left_ms";
    private static final RowMapper<Intent> ROW = (rs, i) -> new Intent(
            rs.getObject("id", UUID.class),
            rs.getString("username"),
            rs.getString("patient_id"),
            rs.getObject("activation_code_id", UUID.class),
            IntentState.valueOf(rs.getString("state")),
            rs.getString("user_id"),
            rs.getString("lease_owner"),
            Duration.ofMillis(rs.getLong("lease_left_ms")));

    private final JdbcClient db;

    EnrollmentIntents(JdbcClient db) {
        this.db = db;
    }

    /** Commits a PENDING intent held by {@code owner}; empty if the user ID already has an open intent. */
    Optional<Intent> begin(String username, String patientId, UUID codeId, String owner, Duration lease) {
        UUID id = UUID.randomUUID();
        try {
            db.sql("""
                            insert into enrollment_intent (id, username, patient_id, activation_code_id, state,
                                lease_owner, lease_until)
                            values (?, ?, ?, ?, ?, ?, now() + ? * interval '1 millisecond')""")
                    .params(id, username, patientId, codeId, IntentState.PENDING.name(), owner, lease.toMillis())
                    .update();
        } catch (DuplicateKeyException e) {
            return Optional.empty();
        }
        return Optional.of(new Intent(id, username, patientId, codeId, IntentState.PENDING, null, owner, lease));
    }

    Optional<Intent> openFor(String username) {
        return db.sql("select " + COLUMNS + " from enrollment_intent where username = ? and state in " + OPEN)
                .param(username)
                .query(ROW)
                .optional();
    }

    /** Takes over an open intent whose lease has run out; empty if it is not open or someone holds it. */
    Optional<Intent> claim(Intent intent, String owner, Duration lease) {
        return db.sql(
                        "update enrollment_intent set lease_owner = ?, lease_until = now() + ? * interval '1 millisecond',"
                                + " attempts = attempts + 1, updated_at = now()"
                                + " where id = ? and state in " + OPEN + " and lease_until <= now()"
                                + " returning " + COLUMNS)
                .params(owner, lease.toMillis(), intent.id())
                .query(ROW)
                .optional();
    }

    /** Takes over up to {@code limit} open intents whose leases have run out, skipping those another claim holds. */
    List<Intent> claimExpired(String owner, Duration lease, int limit) {
        return db.sql(
                        "update enrollment_intent set lease_owner = ?, lease_until = now() + ? * interval '1 millisecond',"
                                + " attempts = attempts + 1, updated_at = now()"
                                + " where id in (select id from enrollment_intent where state in " + OPEN
                                + " and lease_until <= now() order by lease_until limit ? for update skip locked)"
                                + " returning " + COLUMNS)
                .params(owner, lease.toMillis(), limit)
                .query(ROW)
                .list();
    }

    /** PENDING to RECORDED, in the enrollment's transaction, only while the caller still holds the lease. */
    boolean markRecorded(Intent intent, String userId) {
        return db.sql("update enrollment_intent set state = ?, user_id = ?, updated_at = now()"
                                + " where id = ? and state = ? and lease_owner = ?")
                        .params(
                                IntentState.RECORDED.name(),
                                userId,
                                intent.id(),
                                IntentState.PENDING.name(),
                                intent.owner())
                        .update()
                == 1;
    }

    /** RECORDED to COMPLETED, by whoever enabled the user (enabling twice is harmless). */
    boolean markCompleted(Intent intent) {
        return db.sql("update enrollment_intent set state = ?, lease_owner = null, updated_at = now()"
                                + " where id = ? and state = ?")
                        .params(IntentState.COMPLETED.name(), intent.id(), IntentState.RECORDED.name())
                        .update()
                == 1;
    }

    /** PENDING to UNDONE once the Keycloak user is gone, only by the holder of the lease. */
    boolean markUndone(Intent intent) {
        return db.sql("update enrollment_intent set state = ?, lease_owner = null, updated_at = now()"
                                + " where id = ? and state = ? and lease_owner = ?")
                        .params(IntentState.UNDONE.name(), intent.id(), IntentState.PENDING.name(), intent.owner())
                        .update()
                == 1;
    }

    /** Gives the lease up at once, so that a reconciler or the patient's retry can finish the intent without waiting. */
    void release(Intent intent) {
        db.sql("update enrollment_intent set lease_owner = null, lease_until = now(), updated_at = now()"
                        + " where id = ? and lease_owner = ? and state in " + OPEN)
                .params(intent.id(), intent.owner())
                .update();
    }

    /** Those of the user IDs that an open intent holds. */
    Set<String> openUsernames(Collection<String> usernames) {
        if (usernames.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(
                db.sql("select username from enrollment_intent where state in " + OPEN + " and username in (:names)")
                        .param("names", List.copyOf(usernames))
                        .query(String.class)
                        .list());
    }
}
