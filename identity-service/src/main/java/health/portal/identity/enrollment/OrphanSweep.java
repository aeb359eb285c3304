package health.portal.identity.enrollment;

import health.portal.identity.account.PatientAccounts;
import health.portal.identity.keycloak.KeycloakAccounts;
import health.portal.identity.keycloak.PatientUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Deletes Keycloak users this installation's enrollments created that neither an account nor an open intent accounts
 * for (one whose request created it after a reconciler had already undone its intent, and then died). Only users
 * with this installation's mark and older than {@code portal.enrollment.orphan-grace} are considered: users that
 * tests, the launcher or an administrator create directly, and those of another installation sharing the realm,
 * are never touched. Keycloak is read before the database: an intent is committed before its user exists, so a
 * user listed here whose intent is open is sure to be seen as accounted for.
 */
@Component
class OrphanSweep {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);
    private static final int PAGE = 100;

    private final KeycloakAccounts keycloak;
    private final PatientAccounts accounts;
    private final EnrollmentIntents intents;
    private final Installation installation;
    private final EnrollmentProperties properties;
    private final JdbcClient db;
    private final Clock clock;

    OrphanSweep(
            KeycloakAccounts keycloak,
            PatientAccounts accounts,
            EnrollmentIntents intents,
            Installation installation,
            EnrollmentProperties properties,
            JdbcClient db,
            Clock clock) {
        this.keycloak = keycloak;
        this.accounts = accounts;
        this.intents = intents;
        this.installation = installation;
        this.properties = properties;
        this.db = db;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${portal.enrollment.sweep-interval:1h}")
    void sweep() {
        try {
            if (!myTurn()) {
                return;
            }
            List<PatientUser> orphans = orphans();
            for (PatientUser orphan : orphans) {
                keycloak.delete(orphan.id());
                log.warn(
                        "Deleted Keycloak user {} ({}): no enrollment or open intent accounts for it",
                        orphan.id(),
                        orphan.username());
            }
        } catch (RuntimeException e) {
            log.warn("Orphan sweep stopped, the next one goes on: {}", e.toString());
        }
    }

    List<PatientUser> orphans() {
        Instant bornBefore = clock.instant().minus(properties.orphanGrace());
        List<PatientUser> orphans = new ArrayList<>();
        for (int first = 0; ; first += PAGE) {
            List<PatientUser> page = keycloak.usersOfInstallation(installation.id(), first, PAGE);
            List<PatientUser> old = page.stream()
                    .filter(user -> user.createdAt().isBefore(bornBefore))
                    .toList();
            Set<String> enrolled =
                    accounts.knownUserIds(old.stream().map(PatientUser::id).toList());
            Set<String> open = intents.openUsernames(
                    old.stream().map(PatientUser::username).toList());
            old.stream()
                    .filter(user -> !enrolled.contains(user.id()) && !open.contains(user.username()))
                    .forEach(orphans::add);
            if (page.size() < PAGE) {
                return orphans;
            }
        }
    }

    /** One instance sweeps per interval: the one that moves the next run forward. */
    private boolean myTurn() {
        return db.sql("update enrollment_sweep set next_run_at = now() + ? * interval '1 millisecond'"
                                + " where id = 1 and next_run_at <= now()")
                        .param(properties.sweepInterval().toMillis())
                        .update()
                == 1;
    }
}
