package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Prometheus scrapes what the platform's alert rules watch (deploy/monitoring), without a token. */
class MetricsTest extends IdentityIntegrationTest {

    @Test
    void theOutboxGaugesAreScrapedWithoutAToken() throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("portal_outbox_parked").contains("portal_outbox_oldest_unsent_age_seconds");
        // the rest of the actuator stays closed
        assertThat(get("/actuator/env", null).status()).isEqualTo(401);
    }
}
