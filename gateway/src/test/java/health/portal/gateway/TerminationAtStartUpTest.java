package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A gateway started after a termination: its deny list comes from Redis at start-up. This gateway (a context of its
 * own) does not refresh the list while it runs, so only the start-up load can know the entry.
 */
@TestPropertySource(properties = {"gateway.termination.refresh-interval=1h", "gateway.termination.max-staleness=2h"})
// closed after the class rather than kept paused in the test context cache: a paused context still heard the shared
// Redis namespace's session events (seen failing on its stopped connection factory while SharedComputerTest waited
// for its idle session to end)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class TerminationAtStartUpTest extends GatewayTestBase {

    /** Terminated (stored in Redis, as a replica's consumer stores it) before this class's gateway starts. */
    private static final TestUser TERMINATED = patient("terminated-before-start");

    static {
        denyInRedis(TERMINATED.userId(), Duration.ofMinutes(10));
    }

    @Test
    void aGatewayStartedAfterTheTerminationRefusesTheUser() {
        String token = mobileToken(TERMINATED);
        HttpResponse<String> refused = get("/api/me", token);
        assertProblem(refused, 403);
        assertThat(refused.body()).contains("access-ended");
        assertThat(get("/api/me", mobileToken(patient("active-at-start"))).statusCode())
                .isEqualTo(200);
    }
}
