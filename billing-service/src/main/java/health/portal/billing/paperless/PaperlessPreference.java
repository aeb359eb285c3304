package health.portal.billing.paperless;

import java.time.Instant;
import java.util.Optional;

/** The patient's statement delivery: paperless from enrollment until they opt out, and back whenever they like. */
public record PaperlessPreference(String patientId, Delivery delivery, Instant since, ChangedBy changedBy) {

    /** Enrollment in the portal enrolls the patient in paperless billing. */
    static PaperlessPreference enrolled(String patientId, Instant at) {
        return new PaperlessPreference(patientId, Delivery.PAPERLESS, at, ChangedBy.ENROLLMENT);
    }

    /** The preference changed to {@code wanted}; empty when it already is that (nothing to record). */
    Optional<PaperlessPreference> changeTo(Delivery wanted, ChangedBy by, Instant at) {
        if (wanted == delivery) {
            return Optional.empty();
        }
        return Optional.of(new PaperlessPreference(patientId, wanted, at, by));
    }

    public boolean paperless() {
        return delivery == Delivery.PAPERLESS;
    }
}
