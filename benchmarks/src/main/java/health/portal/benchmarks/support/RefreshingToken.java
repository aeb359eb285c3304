package health.portal.benchmarks.support;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An access token that stays valid through a long run: the realm's access tokens live 5 minutes, so the benchmarks
 * renew them (refresh-token grant for patients, client credentials for services) every {@link #RENEW_EVERY}.
 */
public final class RefreshingToken {

    public static final Duration RENEW_EVERY = Duration.ofMinutes(2);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final AtomicReference<String> accessToken = new AtomicReference<>();
    private final Runnable renew;

    private RefreshingToken(String initial, Runnable renew) {
        accessToken.set(initial);
        this.renew = renew;
    }

    /** A service account's token, fetched anew on every renewal. */
    public static RefreshingToken of(Supplier<String> fetch) {
        AtomicReference<RefreshingToken> self = new AtomicReference<>();
        RefreshingToken token =
                new RefreshingToken(fetch.get(), () -> self.get().accessToken.set(fetch.get()));
        self.set(token);
        return token;
    }

    /** A public client's user token, renewed with its refresh token (which Keycloak rotates). */
    public static RefreshingToken refreshable(
            String issuerUri, String clientId, String accessToken, String refreshToken) {
        AtomicReference<String> refresh = new AtomicReference<>(refreshToken);
        AtomicReference<RefreshingToken> self = new AtomicReference<>();
        RefreshingToken token = new RefreshingToken(accessToken, () -> {
            JsonNode answer = postForm(
                    issuerUri + "/protocol/openid-connect/token",
                    Map.of("grant_type", "refresh_token", "client_id", clientId, "refresh_token", refresh.get()));
            self.get().accessToken.set(answer.path("access_token").asString());
            if (answer.hasNonNull("refresh_token")) {
                refresh.set(answer.path("refresh_token").asString());
            }
        });
        self.set(token);
        return token;
    }

    public String get() {
        return accessToken.get();
    }

    public void renew() {
        renew.run();
    }

    private static JsonNode postForm(String url, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token renewal refused: " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("token renewal failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
