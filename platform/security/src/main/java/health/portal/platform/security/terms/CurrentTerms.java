package health.portal.platform.security.terms;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current version of the terms of use as this service last learned it (from identity-service's compacted topic,
 * by platform-events' feed). Empty until it is known: {@link TermsRule} then refuses patient data, never lets it through.
 */
public final class CurrentTerms {

    private record Known(String version, Instant publishedAt) {}

    private final AtomicReference<Known> known = new AtomicReference<>();

    public Optional<String> version() {
        return Optional.ofNullable(known.get()).map(Known::version);
    }

    /**
     * A published version. The newest publication wins, whatever order the records come in: identity-service
     * republishes the current version at every start, which may land after a newer one another instance published.
     */
    public void learned(String version, Instant publishedAt) {
        Objects.requireNonNull(version);
        Objects.requireNonNull(publishedAt);
        if (version.isBlank()) {
            return;
        }
        Known learned = new Known(version, publishedAt);
        known.accumulateAndGet(
                learned, (old, now) -> old == null || !now.publishedAt().isBefore(old.publishedAt()) ? now : old);
    }
}
