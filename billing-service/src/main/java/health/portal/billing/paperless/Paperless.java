package health.portal.billing.paperless;

import health.portal.billing.audit.Actor;
import health.portal.billing.audit.AuditTrail;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Paperless billing: enrollment turns it on, the patient (or staff) turns it off and on again. Every change is kept
 * with who, when and from where, and goes to the patient's access log. A patient without a preference yet is
 * paperless: the portal's terms make paperless the default.
 */
@Component
public class Paperless {

    static final String AUDIT_ACTION = "billing.paperless.updated";

    private final Preferences preferences;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Paperless(Preferences preferences, AuditTrail audit, ApplicationEventPublisher events, Clock clock) {
        this.preferences = preferences;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    public PaperlessPreference current(String patientId) {
        return preferences.find(patientId).orElseGet(() -> PaperlessPreference.enrolled(patientId, now()));
    }

    /**
     * The delivery of a statement issued in the caller's transaction: the committed preference, held (share lock)
     * until that transaction ends, so that a change waits for the statement and the statement never follows a
     * preference that is later rolled back.
     */
    @Transactional
    public Delivery deliveryForStatement(String patientId) {
        return preferences
                .lock(patientId, true)
                .map(PaperlessPreference::delivery)
                .orElse(Delivery.PAPERLESS);
    }

    /** Enrolls a newly enrolled patient; a patient who already has a preference (an opt-out) keeps it. */
    @Transactional
    public boolean enroll(String patientId, Actor by, String eventId) {
        PaperlessPreference enrolled = PaperlessPreference.enrolled(patientId, now());
        if (!preferences.insertFirst(enrolled)) {
            return false;
        }
        preferences.recordChange(enrolled, by, eventId);
        return true;
    }

    /** Sets the patient's preference; answers the preference now in force. */
    @Transactional
    public PaperlessPreference update(String patientId, Delivery wanted, ChangedBy by, Actor actor) {
        PaperlessPreference current = preferences.lock(patientId, false).orElse(null);
        if (current == null) {
            PaperlessPreference first = new PaperlessPreference(patientId, wanted, now(), by);
            if (!preferences.insertFirst(first)) {
                return update(patientId, wanted, by, actor); // enrolled meanwhile: change that row instead
            }
            return recorded(first, actor);
        }
        return current.changeTo(wanted, by, now())
                .map(changed -> {
                    preferences.update(changed);
                    return recorded(changed, actor);
                })
                .orElse(current);
    }

    /** Everyone enrolled: the patients whose accounts a statement run looks at. */
    public List<String> patients() {
        return preferences.patients();
    }

    // the database keeps microseconds: a change reads back at the instant it was made
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private PaperlessPreference recorded(PaperlessPreference changed, Actor actor) {
        preferences.recordChange(changed, actor, null);
        audit.record(
                actor,
                changed.patientId(),
                AUDIT_ACTION,
                "billing.paperless",
                "paperless=" + changed.paperless() + " by "
                        + changed.changedBy().name().toLowerCase());
        events.publishEvent(new PaperlessChanged(changed.patientId(), changed.delivery()));
        return changed;
    }
}
