package health.portal.identity.enrollment;

import java.time.Duration;
import java.util.UUID;

/**
 * One enrollment attempt as stored. {@code owner} is whoever holds the lease to work on it; {@code leaseLeft} how
 * long that lease still runs (zero or negative: free to claim).
 */
record Intent(
        UUID id,
        String username,
        String patientId,
        UUID codeId,
        IntentState state,
        String userId,
        String owner,
        Duration leaseLeft) {

    boolean leaseExpired() {
        return leaseLeft.isNegative() || leaseLeft.isZero();
    }

    /** As it stands once its transaction has committed. */
    Intent recorded(String recordedUserId) {
        return new Intent(id, username, patientId, codeId, IntentState.RECORDED, recordedUserId, owner, leaseLeft);
    }
}
