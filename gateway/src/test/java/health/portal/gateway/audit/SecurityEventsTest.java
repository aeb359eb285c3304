package health.portal.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SecurityEventsTest {

    @Test
    void everyWatchedKindIsCountedFromZeroBeforeItsFirstEvent() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new SecurityEvents(null, null, meters, null, new EventsProperties(0, 0));
        for (String kind : new String[] {
            SecurityEvents.BAD_TOKEN_SIGNATURE,
            SecurityEvents.RATE_LIMITED,
            SecurityEvents.TERMINATED_USER,
            "auth.burst_401",
            "auth.burst_403"
        }) {
            Counter counter =
                    meters.find("gateway.security.events").tag("kind", kind).counter();
            assertThat(counter).as(kind).isNotNull();
            assertThat(counter.count()).as(kind).isZero();
        }
    }
}
