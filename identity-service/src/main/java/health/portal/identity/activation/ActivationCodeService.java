package health.portal.identity.activation;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.directory.PatientDirectory;
import health.portal.identity.web.ClientInfo;
import health.portal.identity.web.StaffMember;
import health.portal.platform.problem.Problems;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Issuing, listing, revoking and redeeming activation codes. */
@Service
@EnableConfigurationProperties(ActivationProperties.class)
public class ActivationCodeService {

    private final JdbcClient db;
    private final TransactionTemplate tx;
    private final PatientDirectory patients;
    private final ActivationProperties properties;
    private final AccessLog accessLog;
    private final Clock clock;

    public ActivationCodeService(
            JdbcClient db,
            TransactionTemplate tx,
            PatientDirectory patients,
            ActivationProperties properties,
            AccessLog accessLog,
            Clock clock) {
        this.db = db;
        this.tx = tx;
        this.patients = patients;
        this.properties = properties;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    public record IssuedCode(UUID id, String code, String patientId, Instant expiresAt) {}

    public record CodeSummary(
            UUID id,
            String patientId,
            String status,
            Instant issuedAt,
            String issuedBy,
            Instant expiresAt,
            boolean expired,
            int failedAttempts,
            Instant usedAt,
            Instant revokedAt) {}

    /** A code that passed every check: the patient it was issued for. */
    public record Redemption(UUID codeId, String patientId) {}

    /** Issues a code for an EMR patient; the patient id and birth date must match the EMR. */
    /** Issues a code after checking the patient in the EMR; the patient's access log shows who issued it. */
    public IssuedCode issue(String patientId, LocalDate birthDate, StaffMember staff, ClientInfo client) {
        if (!patients.verify(patientId, birthDate)) {
            throw Problems.exception(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    "patient-not-found",
                    "Patient not found",
                    "The medical record has no patient with this id and birth date.");
        }
        String code = ActivationCodeFormat.generate();
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant expires = now.plus(properties.validity());
        tx.executeWithoutResult(status -> {
            db.sql("""
                            insert into activation_code (id, code_hash, patient_id, status, issued_by, issued_at, expires_at)
                            values (?, ?, ?, 'ACTIVE', ?, ?, ?)""")
                    .params(
                            id,
                            ActivationCodeFormat.hash(
                                    ActivationCodeFormat.normalize(code).orElseThrow()),
                            patientId,
                            staff.subject(),
                            ts(now),
                            ts(expires))
                    .update();
            staffAction(patientId, "activation_code.issued", staff, client, "code valid until " + expires);
        });
        return new IssuedCode(id, code, patientId, expires);
    }

    public List<CodeSummary> list(String patientId) {
        Instant now = clock.instant();
        return db.sql("select * from activation_code where patient_id = ? order by issued_at desc")
                .param(patientId)
                .query((rs, i) -> new CodeSummary(
                        rs.getObject("id", UUID.class),
                        rs.getString("patient_id"),
                        rs.getString("status"),
                        instant(rs.getTimestamp("issued_at")),
                        rs.getString("issued_by"),
                        instant(rs.getTimestamp("expires_at")),
                        instant(rs.getTimestamp("expires_at")).isBefore(now),
                        rs.getInt("failed_attempts"),
                        instant(rs.getTimestamp("used_at")),
                        instant(rs.getTimestamp("revoked_at"))))
                .list();
    }

    @Transactional
    public void revoke(UUID id, StaffMember staff, ClientInfo client) {
        Optional<String> revokedFor = tx.execute(status -> {
            Optional<String> patientId = db.sql("""
                            update activation_code set status = 'REVOKED', revoked_at = ?, revoked_by = ?
                            where id = ? and status in ('ACTIVE', 'LOCKED') returning patient_id""")
                    .params(ts(clock.instant()), staff.subject(), id)
                    .query(String.class)
                    .optional();
            patientId.ifPresent(p -> staffAction(p, "activation_code.revoked", staff, client, null));
            return patientId;
        });
        if (revokedFor.isEmpty()) {
            boolean exists = db.sql("select count(*) from activation_code where id = ?")
                            .param(id)
                            .query(Integer.class)
                            .single()
                    > 0;
            if (!exists) {
                throw Problems.exception(
                        HttpStatus.NOT_FOUND,
                        "activation-code-not-found",
                        "Activation code not found",
                        "No activation code with this id.");
            }
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "activation-code-not-revocable",
                    "Activation code not revocable",
                    "The activation code has already been used or revoked.");
        }
    }

    /** A staff action in the patient's access log, with the person who did it. */
    private void staffAction(String patientId, String action, StaffMember staff, ClientInfo client, String detail) {
        accessLog.append(new AccessLog.Entry(
                "PORTAL",
                "portal:" + UUID.randomUUID(),
                patientId,
                null,
                clock.instant(),
                "ACCOUNT",
                action,
                "SUCCESS",
                staff.username(),
                "STAFF",
                client.ip(),
                client.userAgent(),
                detail == null ? "by " + staff.describe() : "by " + staff.describe() + "; " + detail));
    }

    /** Revokes every outstanding code of a patient (in the caller's transaction), e.g. when access ends. */
    public int revokeAll(String patientId, String staffUserId) {
        return db.sql("""
                        update activation_code set status = 'REVOKED', revoked_at = ?, revoked_by = ?
                        where patient_id = ? and status in ('ACTIVE', 'LOCKED')""").params(ts(clock.instant()), staffUserId, patientId).update();
    }

    /**
     * Checks a code and a birth date. A wrong birth date counts against the code (and is committed even though the
     * request fails); the code locks at the limit. An unknown code and a wrong birth date get the same answer.
     */
    public Redemption check(String normalizedCode, LocalDate birthDate) {
        String hash = ActivationCodeFormat.hash(normalizedCode);
        CheckResult result = tx.execute(status -> {
            Optional<CodeRow> found = db.sql("""
                            select id, patient_id, status, expires_at, failed_attempts from activation_code
                            where code_hash = ? for update""")
                    .param(hash)
                    .query((rs, i) -> new CodeRow(
                            rs.getObject("id", UUID.class),
                            rs.getString("patient_id"),
                            rs.getString("status"),
                            instant(rs.getTimestamp("expires_at")),
                            rs.getInt("failed_attempts")))
                    .optional();
            if (found.isEmpty()) {
                return new CheckResult(null, invalid());
            }
            CodeRow code = found.get();
            switch (code.status()) {
                case "USED" -> {
                    return new CheckResult(
                            null,
                            Problems.exception(
                                    HttpStatus.GONE,
                                    "activation-code-used",
                                    "Activation code already used",
                                    "This activation code has already been used. Ask your clinic for a new one."));
                }
                case "REVOKED" -> {
                    return new CheckResult(
                            null,
                            Problems.exception(
                                    HttpStatus.GONE,
                                    "activation-code-revoked",
                                    "Activation code revoked",
                                    "This activation code has been revoked. Ask your clinic for a new one."));
                }
                case "LOCKED" -> {
                    return new CheckResult(null, locked());
                }
                default -> {}
            }
            if (!code.expiresAt().isAfter(clock.instant())) {
                return new CheckResult(
                        null,
                        Problems.exception(
                                HttpStatus.GONE,
                                "activation-code-expired",
                                "Activation code expired",
                                "This activation code has expired. Ask your clinic for a new one."));
            }
            if (patients.verify(code.patientId(), birthDate)) {
                return new CheckResult(new Redemption(code.id(), code.patientId()), null);
            }
            int attempts = code.failedAttempts() + 1;
            db.sql("update activation_code set failed_attempts = ?, status = ? where id = ?")
                    .params(attempts, attempts >= properties.maxFailedAttempts() ? "LOCKED" : "ACTIVE", code.id())
                    .update();
            return new CheckResult(null, invalid());
        });
        if (result.problem() != null) {
            throw result.problem();
        }
        return result.redemption();
    }

    /** Marks the code used by the new account, in the caller's transaction; false if someone else was faster. */
    public boolean markUsed(UUID codeId, String userId) {
        return db.sql("""
                        update activation_code set status = 'USED', used_at = ?, used_by_user_id = ?
                        where id = ? and status = 'ACTIVE'""").params(ts(clock.instant()), userId, codeId).update() == 1;
    }

    public static ErrorResponseException invalid() {
        return Problems.exception(
                HttpStatus.BAD_REQUEST,
                "invalid-activation",
                "Activation not possible",
                "The activation code or the date of birth is not correct.");
    }

    static ErrorResponseException locked() {
        return Problems.exception(
                HttpStatus.LOCKED,
                "activation-code-locked",
                "Activation code locked",
                "This activation code is locked after too many wrong attempts. Ask your clinic for a new one.");
    }

    private record CodeRow(UUID id, String patientId, String status, Instant expiresAt, int failedAttempts) {}

    private record CheckResult(Redemption redemption, ErrorResponseException problem) {}

    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
