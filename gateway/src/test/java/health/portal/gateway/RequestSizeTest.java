package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Bodies over the limit are refused by the gateway itself with a 413 problem, and nothing reaches the service behind
 * it; the limits per route ({@code /api/enrollment/**} 16 KiB, {@code /api/records/**} 1 KiB, 64 KiB otherwise).
 */
class RequestSizeTest extends GatewayTestBase {

    @Test
    void a300KilobyteEnrollmentIsRefusedWith413AndNeverReachesIdentityService() {
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> response = send(
                client(),
                request("/api/enrollment", "198.51.100.60")
                        .header("Content-Type", "application/json")
                        .header("X-Test-Marker", marker)
                        .POST(HttpRequest.BodyPublishers.ofString(json(300 * 1024)))
                        .build());
        assertProblem(response, 413);
        assertThat(response.body()).contains("request-too-large").contains("16 KiB");
        assertSecurityHeaders(response);
        assertThat(IDENTITY.markers).doesNotContain(marker);
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIsRefusedBeforeAnythingIsSentDownstream() {
        String marker = UUID.randomUUID().toString();
        // unknown length: HTTP/2 without content-length, the way a streaming client sends
        HttpResponse<String> overHttp2 = send(
                client(),
                request("/api/enrollment/start", "198.51.100.61")
                        .header("Content-Type", "application/json")
                        .header("X-Test-Marker", marker)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(json(300 * 1024).getBytes(StandardCharsets.UTF_8))))
                        .build());
        assertProblem(overHttp2, 413);
        assertSecurityHeaders(overHttp2);

        // HTTP/1.1 chunked: 20 chunks of 1 KiB, past the 16 KiB of enrollment
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            chunks.append("400\r\n").append("x".repeat(1024)).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        RawHttp.Response overHttp11 = RawHttp.exchange(
                sslContext(),
                port,
                ("POST /api/enrollment/start HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.62\r\n"
                                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nX-Test-Marker: "
                                + marker + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII),
                chunks.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(overHttp11.status()).as(overHttp11.body()).isEqualTo(413);
        assertThat(overHttp11.header("Content-Type")).startsWith("application/problem+json");
        assertThat(overHttp11.header("Strict-Transport-Security")).startsWith("max-age=");
        assertThat(IDENTITY.markers).doesNotContain(marker);
    }

    @Test
    void bodiesUnderTheLimitStillPassWhole() {
        String marker = UUID.randomUUID().toString();
        HttpResponse<String> enrollment = send(
                client(),
                request("/api/enrollment/verify", "198.51.100.63")
                        .header("Content-Type", "application/json")
                        .header("X-Test-Marker", marker)
                        .POST(HttpRequest.BodyPublishers.ofString(json(15 * 1024)))
                        .build());
        assertThat(enrollment.statusCode()).as(enrollment.body()).isEqualTo(200);
        assertThat(enrollment.body()).contains("\"bodyLength\":" + 15 * 1024);
        assertThat(IDENTITY.markers).contains(marker);

        // the same size streamed without a length is read up to the limit and then sent on whole
        HttpResponse<String> streamed = send(
                client(),
                request("/api/enrollment/verify", "198.51.100.63")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(json(15 * 1024).getBytes(StandardCharsets.UTF_8))))
                        .build());
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.body()).contains("\"bodyLength\":" + 15 * 1024);

        // 40 KiB is over enrollment's limit but within the default one of the terms route
        HttpResponse<String> terms = send(
                client(),
                request("/api/terms/accept", "198.51.100.63")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json(40 * 1024)))
                        .build());
        assertThat(terms.statusCode()).as(terms.body()).isEqualTo(200);
        assertThat(terms.body()).contains("\"bodyLength\":" + 40 * 1024);
        assertProblem(
                send(
                        client(),
                        request("/api/terms/accept", "198.51.100.63")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json(65 * 1024)))
                                .build()),
                413);
    }

    @Test
    void theRecordsApiTakesNoLargeBodies() {
        String token = mobileToken(patient("size"));
        HttpResponse<String> refused = send(
                client(),
                request("/api/records/summary", "198.51.100.64")
                        .header("Authorization", "Bearer " + token)
                        .method("GET", HttpRequest.BodyPublishers.ofString(json(300 * 1024)))
                        .build());
        assertProblem(refused, 413);
        assertSecurityHeaders(refused);
        assertThat(get("/api/records/summary", token).statusCode()).isEqualTo(200);
    }

    /** A JSON document of exactly that many bytes. */
    private static String json(int bytes) {
        String start = "{\"code\":\"";
        String end = "\"}";
        return start + "A".repeat(bytes - start.length() - end.length()) + end;
    }
}
