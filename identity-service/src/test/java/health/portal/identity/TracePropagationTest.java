package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/** A request that arrives with the gateway's trace context carries it on into the call to records-service. */
class TracePropagationTest extends IdentityIntegrationTest {

    @Test
    void theTraceOfAStaffRequestContinuesIntoTheEmrCheck() {
        String traceId = randomHex(16);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/internal/staff/activation-codes"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + randomHex(8) + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("patientId", uniquePatientId(), "birthDate", FakeRecordsService.BIRTH_DATE))));

        Reply issued = send(request, frontDeskToken());

        assertThat(issued.status()).isEqualTo(201);
        assertThat(FakeRecordsService.shared().traceparents)
                .anySatisfy(traceparent -> assertThat(traceparent).startsWith("00-" + traceId + "-"));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
