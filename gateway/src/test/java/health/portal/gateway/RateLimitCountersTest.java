package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

/** What the limits leave in Redis: a request is counted once, in the counters that apply to it. */
class RateLimitCountersTest extends GatewayTestBase {

    @Test
    void aSignedInRequestCountsOnceForItsUserAndNotForItsAddress() {
        TestUser user = patient("counted-once");
        String token = mobileToken(user);
        // an address no other test sends from (PortalBrowser's requests come from .77 and are counted for it)
        String address = "198.51.100.177";
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> response = send(
                    client(),
                    request("/api/me", address)
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(redisValue("rl:user:" + user.userId()))
                    .as("after request %d", i)
                    .isEqualTo(Integer.toString(i));
        }
        assertThat(redisValue("rl:address:" + address)).isNull();
    }

    @Test
    void aRequestWithoutCredentialsCountsForItsAddressOnly() {
        String address = "198.51.100.78";
        for (int i = 1; i <= 2; i++) {
            assertThat(send(
                                    client(),
                                    request("/api/terms/current", address).GET().build())
                            .statusCode())
                    .isEqualTo(200);
            assertThat(redisValue("rl:address:" + address)).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void enrollmentCountsForTheAddressAndTheStricterLimitTogether() {
        String address = "198.51.100.79";
        send(
                client(),
                request("/api/enrollment/verify", address)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"code\":\"X\"}"))
                        .build());
        assertThat(redisValue("rl:address:" + address)).isEqualTo("1");
        assertThat(redisValue("rl:enrollment:" + address)).isEqualTo("1");
    }
}
