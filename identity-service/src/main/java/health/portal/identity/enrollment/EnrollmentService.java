package health.portal.identity.enrollment;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.account.PatientAccounts;
import health.portal.identity.activation.ActivationCodeFormat;
import health.portal.identity.activation.ActivationCodeService;
import health.portal.identity.keycloak.AccountRejectedException;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.terms.TermsService;
import health.portal.identity.web.ClientInfo;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.PatientEnrolled;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * Enrollment with an activation code. Order matters: the code and birth date are checked before anything about
 * user IDs is revealed; the Keycloak user is created next; then one database transaction marks the code used,
 * records the account, the terms acceptance, the access-log entry and the PatientEnrolled event. If that
 * transaction fails, the Keycloak user is removed again, so nothing is left half-created.
 */
@Service
public class EnrollmentService {

    private final ActivationCodeService codes;
    private final KeycloakAccounts keycloak;
    private final PatientAccounts accounts;
    private final TermsService terms;
    private final AccessLog accessLog;
    private final OutboxPublisher outbox;
    private final TransactionTemplate tx;
    private final Clock clock;

    public EnrollmentService(
            ActivationCodeService codes,
            KeycloakAccounts keycloak,
            PatientAccounts accounts,
            TermsService terms,
            AccessLog accessLog,
            OutboxPublisher outbox,
            TransactionTemplate tx,
            Clock clock) {
        this.codes = codes;
        this.keycloak = keycloak;
        this.accounts = accounts;
        this.terms = terms;
        this.accessLog = accessLog;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    public record Enrolled(String userId, String username, String patientId, String termsVersion) {}

    public Enrolled enroll(EnrollmentRequest request, ClientInfo client) {
        String code = ActivationCodeFormat.normalize(request.activationCode())
                .orElseThrow(() -> Problems.field("activationCode", "must look like XXXXX-XXXXX-XXXXX"));
        LocalDate birthDate;
        try {
            birthDate = LocalDate.parse(request.dateOfBirth());
        } catch (DateTimeException e) {
            throw Problems.field("dateOfBirth", "must be a valid date like 1980-04-30");
        }
        String currentTerms = terms.current().version();
        if (!currentTerms.equals(request.termsVersion())) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "terms-version-outdated",
                    "Not the current terms",
                    "The terms of use have changed; read and accept version " + currentTerms + ".");
        }

        ActivationCodeService.Redemption redemption = codes.check(code, birthDate);

        if (accounts.activeAccountOf(redemption.patientId()).isPresent()) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "already-enrolled",
                    "Already enrolled",
                    "This patient already has an active portal account.");
        }
        String username = request.username().toLowerCase(Locale.ROOT);
        if (keycloak.usernameExists(username)) {
            throw Problems.field("username", "This user ID is taken.");
        }
        String userId;
        try {
            userId = keycloak.createPatientUser(username, request.email(), request.password(), redemption.patientId());
        } catch (AccountRejectedException e) {
            throw Problems.fields(e.errors());
        }

        try {
            Boolean recorded = tx.execute(status -> {
                if (!codes.markUsed(redemption.codeId(), userId)) {
                    status.setRollbackOnly();
                    return false;
                }
                Instant now = clock.instant();
                accounts.create(userId, redemption.patientId(), username, now);
                terms.accept(userId, redemption.patientId(), currentTerms, client);
                accessLog.recordAccountEvent(
                        redemption.patientId(), userId, "account.enrolled", "terms version " + currentTerms, client);
                outbox.publish(
                        Topics.IDENTITY_EVENTS,
                        redemption.patientId(),
                        PatientEnrolled.newBuilder()
                                .setPatientId(redemption.patientId())
                                .setUserId(userId)
                                .setUsername(username)
                                .setTermsVersion(currentTerms)
                                .build(),
                        redemption.patientId());
                return true;
            });
            if (!Boolean.TRUE.equals(recorded)) {
                throw Problems.exception(
                        HttpStatus.GONE,
                        "activation-code-used",
                        "Activation code already used",
                        "This activation code has already been used. Ask your clinic for a new one.");
            }
        } catch (RuntimeException e) {
            keycloak.deleteUserQuietly(userId);
            throw e;
        }
        return new Enrolled(userId, username, redemption.patientId(), currentTerms);
    }
}
