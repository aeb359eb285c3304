package health.portal.identity.accesslog;

import health.portal.identity.keycloak.KeycloakAccounts;
import org.keycloak.representations.idm.EventRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies the patients' sign-ins, sign-outs, failed attempts, lockouts and password changes from Keycloak's stored
 * events into the access log. Runs on a schedule and before each access-log read; idempotent by Keycloak event id.
 */
@Component
public class KeycloakEventImporter {

    /**
     * Keycloak 26 reports a password change twice (the deprecated UPDATE_PASSWORD and UPDATE_CREDENTIAL with
     * credential_type=password, also at the end of a reset); only the latter is read.
     */
    static final List<String> TYPES = List.of(
            "LOGIN",
            "LOGIN_ERROR",
            "LOGOUT",
            "UPDATE_CREDENTIAL",
            "USER_DISABLED_BY_TEMPORARY_LOCKOUT",
            "USER_DISABLED_BY_PERMANENT_LOCKOUT");
    /** Re-read this much before the last event seen: events committed late with an earlier time are not lost. */
    private static final long OVERLAP_MILLIS = 60_000;

    private static final int PAGE = 200;
    private static final Logger log = LoggerFactory.getLogger(KeycloakEventImporter.class);

    private final KeycloakAccounts keycloak;
    private final PatientOfUser accounts;
    private final AccessLog accessLog;
    private final JdbcClient db;
    private final ApplicationEventPublisher publisher;

    public KeycloakEventImporter(
            KeycloakAccounts keycloak,
            PatientOfUser accounts,
            AccessLog accessLog,
            JdbcClient db,
            ApplicationEventPublisher publisher) {
        this.keycloak = keycloak;
        this.accounts = accounts;
        this.accessLog = accessLog;
        this.db = db;
        this.publisher = publisher;
    }

    @Scheduled(fixedDelayString = "${portal.access-log.keycloak-sync-interval:30s}", initialDelayString = "5s")
    public void scheduledSync() {
        try {
            sync();
        } catch (RuntimeException e) {
            log.warn("Copying Keycloak events into the access log failed, will retry: {}", e.toString());
        }
    }

    /** @return the number of new access-log entries */
    public synchronized int sync() {
        long watermark = db.sql("select last_event_time from keycloak_event_sync where id = 1")
                .query(Long.class)
                .single();
        long from = Math.max(0, watermark - OVERLAP_MILLIS);
        long newest = watermark;
        int added = 0;
        for (int first = 0; ; first += PAGE) {
            List<EventRepresentation> events = keycloak.events(TYPES, from, first, PAGE);
            for (EventRepresentation event : events) {
                newest = Math.max(newest, event.getTime());
                Optional<AccessLog.Entry> entry = toEntry(event);
                if (entry.isPresent() && accessLog.append(entry.get())) {
                    added++;
                    // only a first append: the overlap re-reads events, the patient hears of each lockout once
                    if (entry.get().category().equals("ACCOUNT_LOCKED")) {
                        publisher.publishEvent(new AccountLockedOut(
                                event.getUserId(), event.getType().equals("USER_DISABLED_BY_PERMANENT_LOCKOUT")));
                    }
                }
            }
            if (events.size() < PAGE) {
                break;
            }
        }
        if (newest > watermark) {
            db.sql("update keycloak_event_sync set last_event_time = ? where id = 1")
                    .param(newest)
                    .update();
        }
        return added;
    }

    private Optional<AccessLog.Entry> toEntry(EventRepresentation event) {
        if (event.getUserId() == null) {
            return Optional.empty(); // e.g. an unknown user name: belongs to no patient
        }
        Optional<String> patientId = accounts.patientIdOfUser(event.getUserId());
        if (patientId.isEmpty()) {
            return Optional.empty(); // staff and service accounts have no patient access log
        }
        Map<String, String> details = event.getDetails() == null ? Map.of() : event.getDetails();
        String category;
        String outcome = event.getError() == null ? "SUCCESS" : "FAILED";
        switch (event.getType()) {
            case "LOGIN" -> category = "SIGN_IN";
            case "LOGIN_ERROR" -> category = "SIGN_IN_FAILED";
            case "LOGOUT" -> category = "SIGN_OUT";
            case "UPDATE_CREDENTIAL" -> {
                if (!"password".equals(details.get("credential_type"))) {
                    return Optional.empty();
                }
                category = "PASSWORD_CHANGED";
            }
            case "USER_DISABLED_BY_TEMPORARY_LOCKOUT", "USER_DISABLED_BY_PERMANENT_LOCKOUT" -> {
                category = "ACCOUNT_LOCKED";
                outcome = "DENIED";
            }
            default -> {
                return Optional.empty();
            }
        }
        String sourceId = "keycloak:"
                + (event.getId() != null
                        ? event.getId()
                        : event.getTime() + ":" + event.getType() + ":" + event.getUserId() + ":"
                                + event.getSessionId());
        return Optional.of(new AccessLog.Entry(
                "KEYCLOAK",
                sourceId,
                patientId.get(),
                event.getUserId(),
                Instant.ofEpochMilli(event.getTime()),
                category,
                "auth." + event.getType().toLowerCase(),
                outcome,
                event.getUserId(),
                "PATIENT",
                event.getIpAddress(),
                device(event.getClientId()),
                event.getError()));
    }

    /** Keycloak does not keep the user agent; the client tells the kind of device. */
    private static String device(String clientId) {
        if (clientId == null) {
            return null;
        }
        return switch (clientId) {
            case "portal-web" -> "web browser (portal-web)";
            case "portal-mobile" -> "mobile app (portal-mobile)";
            default -> clientId;
        };
    }
}
