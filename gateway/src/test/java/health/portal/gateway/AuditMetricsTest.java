package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What operators watch of the audit buffer: how much waits for Kafka, and how much was dropped. */
class AuditMetricsTest extends GatewayTestBase {

    @Test
    void theBufferAndItsLossesAreScraped() {
        get("/api/terms/current", null);
        HttpResponse<String> metrics = send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                        .GET()
                        .build());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("(?m)^gateway_audit_buffered(\\{[^}]*})? ")
                .containsPattern("(?m)^gateway_audit_dropped_total\\{[^}]*reason=\"overflow\"[^}]*} 0\\.0")
                .containsPattern("(?m)^gateway_audit_dropped_total\\{[^}]*reason=\"shutdown\"[^}]*} 0\\.0");
    }
}
