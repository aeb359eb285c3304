package health.portal.identity.enrollment;

import health.portal.identity.account.AccessTermination;
import health.portal.identity.account.PatientAccounts;
import health.portal.identity.activation.ActivationCodeFormat;
import health.portal.identity.activation.ActivationCodeService;
import health.portal.identity.keycloak.AccountRejectedException;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.terms.TermsService;
import health.portal.identity.web.ClientInfo;
import health.portal.platform.problem.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;

/**
 * Enrollment with an activation code, as a recorded sequence that survives a crash at any step: the code and birth
 * date are checked before anything about user IDs is revealed; an intent (user ID, patient, code) is committed; the
 * Keycloak user is created <em>disabled</em>; one transaction records the enrollment and marks the intent RECORDED;
 * then the user is enabled. Whatever a failure or a crash leaves open is finished or undone by {@link
 * IntentResolution}: here on failure, by the patient's retry, or by {@link EnrollmentReconciler}.
 */
@Service
@EnableConfigurationProperties(EnrollmentProperties.class)
public class EnrollmentService {

    private static final Logger log = LoggerFactory.getLogger(EnrollmentService.class);

    private final ActivationCodeService codes;
    private final PatientAccounts accounts;
    private final AccessTermination termination;
    private final TermsService terms;
    private final KeycloakAccounts keycloak;
    private final EnrollmentIntents intents;
    private final EnrollmentRecorder recorder;
    private final IntentResolution resolution;
    private final Installation installation;
    private final EnrollmentProperties properties;

    EnrollmentService(
            ActivationCodeService codes,
            PatientAccounts accounts,
            AccessTermination termination,
            TermsService terms,
            KeycloakAccounts keycloak,
            EnrollmentIntents intents,
            EnrollmentRecorder recorder,
            IntentResolution resolution,
            Installation installation,
            EnrollmentProperties properties) {
        this.codes = codes;
        this.accounts = accounts;
        this.termination = termination;
        this.terms = terms;
        this.keycloak = keycloak;
        this.intents = intents;
        this.recorder = recorder;
        this.resolution = resolution;
        this.installation = installation;
        this.properties = properties;
    }

    /** @param signInEnabled false when Keycloak could not be told yet; the reconciler enables the user shortly */
    public record Enrolled(
            String userId, String username, String patientId, String termsVersion, boolean signInEnabled) {}

    private record Application(ActivationCodeService.Redemption redemption, String username, String termsVersion) {}

    public Enrolled enroll(EnrollmentRequest request, ClientInfo client) {
        Application application = check(request);
        Intent intent = reserve(application);
        String userId = createDisabledUser(intent, request);
        record(intent, userId, application.termsVersion(), client);
        boolean signInEnabled = enable(intent, userId);
        return new Enrolled(userId, intent.username(), intent.patientId(), application.termsVersion(), signInEnabled);
    }

    /** The input, the terms version, the code with the birth date, and that the patient has no access yet. */
    private Application check(EnrollmentRequest request) {
        String code = ActivationCodeFormat.normalize(request.activationCode())
                .orElseThrow(() -> Problems.field("activationCode", "must look like XXXXX-XXXXX-XXXXX"));
        LocalDate birthDate = birthDate(request.dateOfBirth());
        String currentTerms = terms.current().version();
        if (!currentTerms.equals(request.termsVersion())) {
            throw Problems.exception(
                    HttpStatus.CONFLICT,
                    "terms-version-outdated",
                    "Not the current terms",
                    "The terms of use have changed; read and accept version " + currentTerms + ".");
        }
        ActivationCodeService.Redemption redemption = codes.check(code, birthDate);
        requireNoAccess(redemption.patientId());
        return new Application(redemption, request.username().toLowerCase(Locale.ROOT), currentTerms);
    }

    private static LocalDate birthDate(String dateOfBirth) {
        try {
            return LocalDate.parse(dateOfBirth);
        } catch (DateTimeException e) {
            throw Problems.field("dateOfBirth", "must be a valid date like 1980-04-30");
        }
    }

    private void requireNoAccess(String patientId) {
        if (accounts.activeAccountOf(patientId).isPresent()) {
            throw alreadyEnrolled();
        }
        if (termination.signOutPending(patientId)) {
            // the pending sign-out disables every user with this patient id: it would catch the new one too
            throw Problems.exception(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    Problems.UNAVAILABLE,
                    "Service temporarily unavailable",
                    "The sign-in service has not yet finished ending this patient's earlier access. "
                            + "Please try again later.",
                    Duration.ofSeconds(30));
        }
    }

    /** Holds the user ID with a committed intent, before Keycloak hears of it. */
    private Intent reserve(Application application) {
        String username = application.username();
        String patientId = application.redemption().patientId();
        intents.openFor(username).ifPresent(earlier -> settleEarlierAttempt(earlier, patientId));
        if (keycloak.usernameExists(username)) {
            throw taken();
        }
        return intents.begin(username, patientId, application.redemption().codeId(), newOwner(), properties.lease())
                .orElseThrow(() -> intents.openFor(username)
                        .filter(other -> other.patientId().equals(patientId))
                        .map(own -> inProgress(own.leaseLeft()))
                        .orElseGet(EnrollmentService::taken));
    }

    /**
     * The user ID is held by an open intent. The patient's own attempt that nobody works on any more (its request
     * failed, or the instance died and the lease ran out) is settled here, as the reconciler would, so the retry
     * need not wait for it; another patient's keeps the user ID taken until it is settled.
     */
    private void settleEarlierAttempt(Intent earlier, String patientId) {
        if (!earlier.patientId().equals(patientId)) {
            throw taken();
        }
        if (!earlier.leaseExpired()) {
            throw inProgress(earlier.leaseLeft());
        }
        Intent claimed = intents.claim(earlier, newOwner(), properties.lease())
                .orElseThrow(() -> inProgress(Duration.ofSeconds(1)));
        try {
            resolution.resolve(claimed);
        } catch (RuntimeException e) {
            intents.release(claimed);
            throw e;
        }
    }

    private String createDisabledUser(Intent intent, EnrollmentRequest request) {
        try {
            return keycloak.createPatientUser(
                    intent.username(),
                    request.email(),
                    request.password(),
                    intent.patientId(),
                    installation.id(),
                    request.termsVersion());
        } catch (AccountRejectedException e) {
            abandon(intent, null);
            throw Problems.fields(e.errors());
        } catch (RuntimeException e) {
            abandon(intent, null);
            throw e;
        }
    }

    private void record(Intent intent, String userId, String termsVersion, ClientInfo client) {
        EnrollmentRecorder.Outcome outcome;
        try {
            outcome = recorder.record(intent, userId, termsVersion, client);
        } catch (RuntimeException e) {
            abandon(intent, userId);
            throw e;
        }
        switch (outcome) {
            case RECORDED -> {}
            case CODE_USED -> {
                abandon(intent, userId);
                throw Problems.exception(
                        HttpStatus.GONE,
                        "activation-code-used",
                        "Activation code already used",
                        "This activation code has already been used. Ask your clinic for a new one.");
            }
            case ALREADY_ENROLLED -> {
                abandon(intent, userId);
                throw alreadyEnrolled();
            }
            case LEASE_LOST -> {
                // the new holder undoes the intent; the user it may not have seen yet is ours to remove
                removeQuietly(userId);
                throw Problems.exception(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "enrollment-interrupted",
                        "Enrollment interrupted",
                        "The enrollment took too long and was undone. Please try again.",
                        Duration.ofSeconds(1));
            }
        }
    }

    /** The enrollment is recorded whatever happens here; a user Keycloak could not enable now is enabled later. */
    private boolean enable(Intent intent, String userId) {
        Intent recorded = intent.recorded(userId);
        try {
            return resolution.complete(recorded);
        } catch (RuntimeException e) {
            log.warn(
                    "Enrollment {} recorded; enabling its user is left to the reconciler: {}",
                    intent.id(),
                    e.toString());
            intents.release(recorded);
            return false;
        }
    }

    /** Undoes the request's own attempt now; if Keycloak will not, frees the intent for the reconciler at once. */
    private void abandon(Intent intent, String userId) {
        try {
            resolution.undo(intent, userId);
        } catch (RuntimeException e) {
            log.warn("Enrollment {} failed and could not be undone yet: {}", intent.id(), e.toString());
            intents.release(intent);
        }
    }

    private void removeQuietly(String userId) {
        try {
            keycloak.delete(userId);
        } catch (RuntimeException e) {
            log.warn(
                    "Keycloak user {} of an interrupted enrollment is left to the orphan sweep: {}",
                    userId,
                    e.toString());
        }
    }

    private static String newOwner() {
        return UUID.randomUUID().toString();
    }

    private static ErrorResponseException taken() {
        return Problems.field("username", "This user ID is taken.");
    }

    private static ErrorResponseException alreadyEnrolled() {
        return Problems.exception(
                HttpStatus.CONFLICT,
                "already-enrolled",
                "Already enrolled",
                "This patient already has an active portal account.");
    }

    private static ErrorResponseException inProgress(Duration left) {
        return Problems.exception(
                HttpStatus.CONFLICT,
                "enrollment-in-progress",
                "Enrollment in progress",
                "An enrollment with this user ID is still in progress. Please try again in a few seconds.",
                left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left);
    }
}
