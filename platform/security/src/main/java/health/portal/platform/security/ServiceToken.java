package health.portal.platform.security;

import com.nimbusds.jose.util.JSONObjectUtils;
import health.portal.platform.problem.DependencyUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * A service's own access token (client credentials of its Keycloak client) for the calls it makes on its own behalf:
 * records-service, identity-service's internal routes. Kept until shortly before it expires, so that a burst of work
 * (messages, a statement run) costs Keycloak one grant, not one per call. A service declares it as a bean with its
 * client's settings.
 */
public class ServiceToken implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ServiceToken.class);
    private static final Duration EARLY = Duration.ofSeconds(30);

    private record Cached(String value, Instant renewAt) {}

    private final URI tokenUri;
    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private volatile Cached cached;

    public ServiceToken(URI tokenUri, String clientId, String clientSecret, Clock clock) {
        this.tokenUri = tokenUri;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
    }

    /**
     * Asked for once at start, in the background: the first call after a start then does not spend its deadline on
     * Keycloak. A failure here is only logged; the next call asks again.
     */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Thread.ofVirtual().name("service-token-warm-up").start(() -> {
            try {
                get();
            } catch (RuntimeException e) {
                log.warn("No service token from Keycloak yet: {}", e.getMessage());
            }
        });
    }

    /** The current token; a new one from Keycloak when it is about to expire (DependencyUnavailableException if none). */
    public String get() {
        Cached current = cached;
        if (current != null && clock.instant().isBefore(current.renewAt())) {
            return current.value();
        }
        synchronized (this) {
            if (cached == null || !clock.instant().isBefore(cached.renewAt())) {
                cached = grant();
            }
            return cached.value();
        }
    }

    private Cached grant() {
        String basic = Base64.getEncoder()
                .encodeToString((enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new DependencyUnavailableException(
                        "The sign-in service",
                        new IllegalStateException("token endpoint answered " + response.statusCode()));
            }
            Map<String, Object> body = JSONObjectUtils.parse(response.body());
            long expiresIn = body.get("expires_in") instanceof Number n ? n.longValue() : 60;
            Object token = body.get("access_token");
            if (!(token instanceof String value) || value.isBlank()) {
                throw new DependencyUnavailableException(
                        "The sign-in service", new IllegalStateException("token endpoint answered no access_token"));
            }
            return new Cached(value, clock.instant().plusSeconds(expiresIn).minus(EARLY));
        } catch (IOException | ParseException e) {
            throw new DependencyUnavailableException("The sign-in service", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyUnavailableException("The sign-in service", e);
        }
    }

    // RFC 6749 2.3.1: client id and secret are form-encoded before they go into Basic
    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
