package health.portal.identity.account;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.UUID;

/** Retries the sign-outs of terminations that Keycloak failed (or whose instance died), until each is done. */
@Component
class SignOutReconciler {

    private static final int BATCH = 20;

    private final TerminationSignOuts signOuts;

    SignOutReconciler(TerminationSignOuts signOuts) {
        this.signOuts = signOuts;
    }

    @Scheduled(fixedDelayString = "${portal.termination.retry-interval:10s}")
    void retryDue() {
        String owner = "reconciler-" + UUID.randomUUID();
        for (TerminationSignOuts.SignOut signOut : signOuts.claimDue(owner, BATCH)) {
            if (!signOuts.carryOut(signOut)) {
                return; // Keycloak is still away; the claimed rest is due again when its lease runs out
            }
        }
    }
}
