package health.portal.messaging.records;

import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.proto.records.v1.CareTeam;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The patient's care team as the EMR knows it, remembered in memory (never in the database: it holds provider names)
 * for a while, so that a patient who opened the compose screen can still send when the EMR goes away before they
 * press send: the message is then accepted and filed later.
 */
@Component
public class CareTeams {

    private static final int MAX_PATIENTS = 10_000;

    private record Known(CareTeam team, Instant at) {}

    private final RecordsClient records;
    private final Clock clock;
    private final Duration keep;
    private final Map<String, Known> known = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > MAX_PATIENTS; // the patients who wrote lately, not everyone ever seen
        }
    });

    CareTeams(RecordsClient records, Clock clock, @Value("${portal.messaging.care-team.keep:12h}") Duration keep) {
        this.records = records;
        this.clock = clock;
        this.keep = keep;
    }

    /** Fresh from the EMR. */
    public CareTeam current(String patientId) {
        CareTeam team = records.careTeam(patientId);
        known.put(patientId, new Known(team, clock.instant()));
        return team;
    }

    /** Fresh from the EMR, or the one last seen when the EMR is away. */
    public CareTeam currentOrLastKnown(String patientId) {
        try {
            return current(patientId);
        } catch (DependencyUnavailableException e) {
            Known last = known.get(patientId);
            if (last != null && last.at().plus(keep).isAfter(clock.instant())) {
                return last.team();
            }
            throw e;
        }
    }
}
