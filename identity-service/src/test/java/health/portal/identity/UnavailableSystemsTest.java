package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

/**
 * A 503 names the system that is really away. The patient check goes through records-service, which refuses what it
 * cannot audit (its audit events go through Kafka): that is its audit trail being away, not the EMR.
 */
class UnavailableSystemsTest extends IdentityIntegrationTest {

    private static final String AUDIT_TRAIL_AWAY =
            "The audit trail of the records service is not reachable right now. Please try again later.";
    private static final String EMR_AWAY =
            "The medical record system is not reachable right now. Please try again later.";

    @Test
    void whenRecordsServiceCannotAuditCodesAndEnrollmentBlameItsAuditTrail() {
        String patientId = uniquePatientId();
        Reply issue = whileFailing(
                FakeRecordsService.shared().failAudit,
                patientId,
                () -> post(
                        "/internal/staff/activation-codes",
                        frontDeskToken(),
                        Map.of("patientId", patientId, "birthDate", FakeRecordsService.BIRTH_DATE)));
        assertUnavailable(issue, AUDIT_TRAIL_AWAY);

        String code = issueCode(patientId);
        Reply enroll = whileFailing(
                FakeRecordsService.shared().failAudit,
                patientId,
                () -> post(
                        "/api/enrollment",
                        null,
                        enrollment(
                                code,
                                FakeRecordsService.BIRTH_DATE,
                                uniqueUsername("audit"),
                                "Blue-Harbor-Lantern-42")));
        assertUnavailable(enroll, AUDIT_TRAIL_AWAY);
    }

    @Test
    void whenTheEmrIsAwayTheProblemSaysSo() {
        String patientId = uniquePatientId();
        Reply issue = whileFailing(
                FakeRecordsService.shared().failEmr,
                patientId,
                () -> post(
                        "/internal/staff/activation-codes",
                        frontDeskToken(),
                        Map.of("patientId", patientId, "birthDate", FakeRecordsService.BIRTH_DATE)));
        assertUnavailable(issue, EMR_AWAY);
    }

    private static Reply whileFailing(Set<String> failing, String patientId, java.util.function.Supplier<Reply> call) {
        failing.add(patientId);
        try {
            return call.get();
        } finally {
            failing.remove(patientId);
        }
    }

    private static void assertUnavailable(Reply reply, String detail) {
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(503);
        assertThat(reply.type()).endsWith("/dependency-unavailable");
        assertThat(reply.body().path("detail").asString()).isEqualTo(detail);
        assertThat(reply.raw().headers().firstValue("Retry-After")).isPresent();
    }
}
