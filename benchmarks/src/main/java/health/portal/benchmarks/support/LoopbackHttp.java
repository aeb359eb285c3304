package health.portal.benchmarks.support;

import health.portal.infra.process.LoopbackTls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP clients for the servers the benchmarks start on this machine: HTTP/1.1 with keep-alive (one connection per
 * client, as a phone or a browser tab has), trusting the throwaway self-signed certificates of the gateway and of
 * nginx. Only ever pointed at loopback addresses.
 */
public final class LoopbackHttp {

    private LoopbackHttp() {}

    public static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(LoopbackTls.trustingContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A GET whose 2xx answer is awaited; null when the server does not answer (yet). */
    public static HttpResponse<String> get(HttpClient client, String url, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static boolean isUp(HttpClient client, String healthUrl) {
        HttpResponse<String> response = get(client, healthUrl, null);
        return response != null
                && response.statusCode() == 200
                && response.body().contains("UP");
    }
}
