package health.portal.emr.adapter.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.portal.emr.adapter.EmrUnavailableException;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gets and caches an access token with the client credentials grant and a private_key_jwt client assertion.
 * The token is reused until shortly before it expires, so the EMR's token endpoint sees one request per token
 * lifetime rather than one per FHIR call.
 */
public class SmartBackendAuth {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SmartBackendSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private String cachedToken;
    private Instant renewAt = Instant.MIN;

    public SmartBackendAuth(SmartBackendSettings settings, Duration timeout) {
        this(settings, timeout, Clock.systemUTC());
    }

    SmartBackendAuth(SmartBackendSettings settings, Duration timeout, Clock clock) {
        this.settings = settings;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A valid access token, from the cache or freshly requested. */
    public synchronized String accessToken() {
        if (cachedToken != null && clock.instant().isBefore(renewAt)) {
            return cachedToken;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (settings.scope() != null && !settings.scope().isBlank()) {
            form.put("scope", settings.scope());
        }
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.put("client_assertion", ClientAssertion.create(settings, clock));
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(settings.tokenEndpoint())
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new EmrUnavailableException("EMR token endpoint answered HTTP " + response.statusCode(), null);
            }
            JsonNode json = JSON.readTree(response.body());
            String token = json.path("access_token").asText("");
            if (token.isEmpty()
                    || !"bearer".equalsIgnoreCase(json.path("token_type").asText("bearer"))) {
                throw new EmrUnavailableException("EMR token endpoint gave no bearer token", null);
            }
            long expiresIn = json.path("expires_in").asLong(300);
            Instant now = clock.instant();
            cachedToken = token;
            renewAt = now.plusSeconds(expiresIn).minus(settings.refreshSkew());
            return token;
        } catch (IOException e) {
            throw new EmrUnavailableException("EMR token endpoint unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmrUnavailableException("Interrupted while getting an EMR token", e);
        }
    }
}
