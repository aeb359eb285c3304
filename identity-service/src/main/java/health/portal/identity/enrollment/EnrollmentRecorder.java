package health.portal.identity.enrollment;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.account.PatientAccounts;
import health.portal.identity.activation.ActivationCodeService;
import health.portal.identity.terms.TermsService;
import health.portal.identity.web.ClientInfo;
import health.portal.platform.events.Topics;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.proto.events.v1.PatientEnrolled;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;

/**
 * The enrollment's one transaction: the intent becomes RECORDED together with everything the enrollment records,
 * or nothing does. It makes no remote call (it holds the access log's lock).
 */
@Component
class EnrollmentRecorder {

    enum Outcome {
        RECORDED,
        /** another enrollment used the code first */
        CODE_USED,
        /** the patient got an active account meanwhile */
        ALREADY_ENROLLED,
        /** the request's lease ran out and someone else took the intent over (and undoes it) */
        LEASE_LOST
    }

    private final EnrollmentIntents intents;
    private final ActivationCodeService codes;
    private final PatientAccounts accounts;
    private final TermsService terms;
    private final AccessLog accessLog;
    private final OutboxPublisher outbox;
    private final TransactionTemplate tx;
    private final Clock clock;

    EnrollmentRecorder(
            EnrollmentIntents intents,
            ActivationCodeService codes,
            PatientAccounts accounts,
            TermsService terms,
            AccessLog accessLog,
            OutboxPublisher outbox,
            TransactionTemplate tx,
            Clock clock) {
        this.intents = intents;
        this.codes = codes;
        this.accounts = accounts;
        this.terms = terms;
        this.accessLog = accessLog;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
    }

    Outcome record(Intent intent, String userId, String termsVersion, ClientInfo client) {
        return tx.execute(status -> {
            // first, so that the intent's row is locked for the rest of the transaction
            if (!intents.markRecorded(intent, userId)) {
                return Outcome.LEASE_LOST;
            }
            if (!codes.markUsed(intent.codeId(), userId)) {
                status.setRollbackOnly();
                return Outcome.CODE_USED;
            }
            try {
                accounts.create(userId, intent.patientId(), intent.username(), clock.instant());
            } catch (DuplicateKeyException e) {
                status.setRollbackOnly();
                return Outcome.ALREADY_ENROLLED;
            }
            terms.accept(userId, intent.patientId(), termsVersion, client);
            accessLog.recordAccountEvent(
                    intent.patientId(), userId, "account.enrolled", "terms version " + termsVersion, client);
            outbox.publish(
                    Topics.IDENTITY_EVENTS,
                    intent.patientId(),
                    PatientEnrolled.newBuilder()
                            .setPatientId(intent.patientId())
                            .setUserId(userId)
                            .setUsername(intent.username())
                            .setTermsVersion(termsVersion)
                            .build(),
                    intent.patientId());
            return Outcome.RECORDED;
        });
    }
}
