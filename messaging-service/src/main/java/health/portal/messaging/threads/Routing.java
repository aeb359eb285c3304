package health.portal.messaging.threads;

import health.portal.platform.problem.Problems;
import health.portal.proto.records.v1.CareProvider;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.Period;
import org.springframework.http.HttpStatus;

import java.time.Instant;
import java.util.Optional;

/**
 * Who gets a message: the chosen provider when available now; while they are away, whoever covers for them, else
 * the practice pool.
 */
final class Routing {

    record Route(String chosen, String assignedTo, boolean toCovering) {}

    private Routing() {}

    static Route route(CareTeam team, String recipient, Instant now) {
        CareProvider chosen = provider(team, recipient)
                .orElseThrow(() -> Problems.exception(
                        HttpStatus.UNPROCESSABLE_CONTENT,
                        "recipient-not-in-care-team",
                        "Not in your care team",
                        "You can write only to a provider of your care team (GET /api/messages/recipients)."));
        if (available(chosen, now)) {
            return new Route(recipient, recipient, false);
        }
        String covering = chosen.getCoveringReference();
        boolean coveringAvailable = !covering.isEmpty()
                && provider(team, covering).map(p -> available(p, now)).orElse(true);
        String to = coveringAvailable ? covering : team.getPractice().getReference();
        return new Route(recipient, to, true);
    }

    static Optional<CareProvider> provider(CareTeam team, String reference) {
        return team.getProvidersList().stream()
                .filter(p -> p.getReference().equals(reference))
                .findFirst();
    }

    static boolean available(CareProvider provider, Instant now) {
        return provider.getUnavailableList().stream().noneMatch(period -> covers(period, now));
    }

    private static boolean covers(Period period, Instant now) {
        Instant start = Instant.ofEpochSecond(
                period.getStart().getSeconds(), period.getStart().getNanos());
        boolean started = !now.isBefore(start);
        boolean ended = period.hasEnd()
                && !now.isBefore(Instant.ofEpochSecond(
                        period.getEnd().getSeconds(), period.getEnd().getNanos()));
        return started && !ended;
    }

    /** The name the patient knows the assignee by: the provider's, or the practice's for its pool. */
    static String nameOf(CareTeam team, String reference) {
        if (reference.equals(team.getPractice().getReference())) {
            return team.getPractice().getName();
        }
        return provider(team, reference).map(CareProvider::getDisplayName).orElse(null);
    }
}
