package health.portal.gateway.maintenance;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The maintenance switch. It lives in Redis, so that one operator action reaches every replica (within a second) and
 * survives restarts; no replica has to be restarted to switch it.
 */
@Component
public class MaintenanceMode {

    static final String DEFAULT_MESSAGE = "The patient portal is down for maintenance. Please try again later.";

    static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(10);

    private final ReactiveStringRedisTemplate redis;

    private final String key;

    private final Duration recheck;

    /** The switch as last read, shared by concurrent requests for {@link #recheck}; errors are never remembered. */
    private volatile Mono<Status> current;

    MaintenanceMode(
            ReactiveStringRedisTemplate redis,
            @org.springframework.beans.factory.annotation.Value("${gateway.redis-key-prefix:gw:}") String prefix,
            @org.springframework.beans.factory.annotation.Value("${gateway.maintenance.recheck:1s}") Duration recheck) {
        this.redis = redis;
        this.key = prefix + "maintenance";
        this.recheck = recheck;
        this.current = reread();
    }

    /**
     * The switch for a request: read from Redis at most once per {@code gateway.maintenance.recheck} (1 s) by this
     * replica rather than on every request; a switch made through this replica applies here at once.
     */
    public Mono<Status> current() {
        return current;
    }

    private Mono<Status> reread() {
        return status().cache(status -> recheck, error -> Duration.ZERO, () -> Duration.ZERO);
    }

    public Mono<Status> status() {
        return redis.<String, String>opsForHash()
                .entries(key)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(Status::from);
    }

    public Mono<Status> switchOn(String message, Duration retryAfter) {
        Map<String, String> values = Map.of(
                "message", message == null || message.isBlank() ? DEFAULT_MESSAGE : message,
                "retryAfterSeconds", Long.toString((retryAfter == null ? DEFAULT_RETRY_AFTER : retryAfter).toSeconds()),
                "since", Instant.now().toString());
        return redis.opsForHash().putAll(key, values).then(status()).doOnNext(status -> current = reread());
    }

    public Mono<Status> switchOff() {
        return redis.delete(key).then(status()).doOnNext(status -> current = reread());
    }

    public record Status(boolean enabled, String message, long retryAfterSeconds, String since) {

        static Status from(Map<String, String> values) {
            if (values.isEmpty()) {
                return new Status(false, null, 0, null);
            }
            long retryAfter = Long.parseLong(
                    values.getOrDefault("retryAfterSeconds", Long.toString(DEFAULT_RETRY_AFTER.toSeconds())));
            return new Status(true, values.getOrDefault("message", DEFAULT_MESSAGE), retryAfter, values.get("since"));
        }
    }
}
