package health.portal.billing.paperless;

import java.time.Instant;

/** The Paperless object of the API. */
public record PaperlessView(boolean paperless, Instant since, ChangedBy changedBy) {

    public static PaperlessView of(PaperlessPreference preference) {
        return new PaperlessView(preference.paperless(), preference.since(), preference.changedBy());
    }
}
