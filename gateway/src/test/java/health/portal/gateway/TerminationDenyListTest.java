package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The deny list each replica holds in memory: terminations another replica stored in Redis reach this one, and an
 * entry ends with its Redis key. (A termination this replica consumes itself: {@code OperationsTest}.)
 */
class TerminationDenyListTest extends GatewayTestBase {

    @Test
    void aTerminationStoredByAnotherReplicaIsRefusedHereToo() throws Exception {
        TestUser user = patient("terminated-elsewhere");
        String token = mobileToken(user);
        assertThat(get("/api/me", token).statusCode()).isEqualTo(200);

        denyInRedis(user.userId(), Duration.ofMinutes(10));

        HttpResponse<String> refused = awaitStatus("/api/me", token, 403, Duration.ofSeconds(20));
        assertProblem(refused, 403);
        assertThat(refused.body()).contains("access-ended");
        assertProblem(get("/api/records/summary", token), 403);
        assertThat(get("/api/me", mobileToken(patient("not-terminated"))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anEntryEndsWithItsRedisKey() throws Exception {
        TestUser user = patient("terminated-briefly");
        String token = mobileToken(user);
        denyInRedis(user.userId(), Duration.ofSeconds(12));

        assertProblem(awaitStatus("/api/me", token, 403, Duration.ofSeconds(20)), 403);
        // then until the entry has expired: not before, whatever the polling
        Thread.sleep(8_000);
        assertThat(awaitStatus("/api/me", token, 200, Duration.ofSeconds(30)).statusCode())
                .as("accepted again once the entry has expired in Redis")
                .isEqualTo(200);
    }

    private HttpResponse<String> awaitStatus(String path, String token, int status, Duration timeout)
            throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        HttpResponse<String> response = get(path, token);
        while (response.statusCode() != status && Instant.now().isBefore(end)) {
            Thread.sleep(500);
            response = get(path, token);
        }
        return response;
    }
}
