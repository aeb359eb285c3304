package health.portal.identity.terms;

import health.portal.identity.accesslog.AccessLog;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.web.ClientInfo;
import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.problem.Problems;
import health.portal.platform.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;

/**
 * A patient's acceptance: recorded in the database first (the source of truth, with the access log's entry), then
 * put into the user's Keycloak attribute {@code terms_version}, which their next token carries and which the gateway
 * and records-service check. Keycloak is called only after the acceptance commits; if it fails, the patient is told
 * to try again, and the retry records nothing twice and sets the attribute.
 */
@Component
class TermsAcceptance {

    private static final Logger log = LoggerFactory.getLogger(TermsAcceptance.class);

    private final TermsService terms;
    private final AccessLog accessLog;
    private final KeycloakAccounts keycloak;
    private final TransactionTemplate tx;

    TermsAcceptance(TermsService terms, AccessLog accessLog, KeycloakAccounts keycloak, TransactionTemplate tx) {
        this.terms = terms;
        this.accessLog = accessLog;
        this.keycloak = keycloak;
        this.tx = tx;
    }

    TermsService.TermsStatus accept(Caller user, String version, ClientInfo client) {
        String patientId = user.patientId().isEmpty() ? null : user.patientId();
        tx.executeWithoutResult(status -> {
            TermsService.TermsStatus now = terms.status(user.subject());
            if (!now.acceptanceRequired() && version.equals(now.acceptedVersion())) {
                return; // a retry after Keycloak failed: the acceptance is recorded already
            }
            terms.accept(user.subject(), patientId, version, client);
            if (patientId != null) {
                accessLog.recordAccountEvent(patientId, user.subject(), "terms.accepted", "version " + version, client);
            }
        });
        try {
            keycloak.setTermsVersion(user.subject(), version);
        } catch (DependencyUnavailableException e) {
            log.warn(
                    "Acceptance of terms {} by {} recorded, Keycloak not updated: {}",
                    version,
                    user.subject(),
                    e.toString());
            throw Problems.exception(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    Problems.UNAVAILABLE,
                    "Service temporarily unavailable",
                    KeycloakAccounts.SIGN_IN_SERVICE + " is not reachable right now: your acceptance is recorded, but"
                            + " it takes effect only when you send it again. Please try again later.",
                    Duration.ofSeconds(30));
        }
        return terms.status(user.subject());
    }
}
