package health.portal.gateway.termination;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subjects whose access was ended. A token stays cryptographically valid until it expires, so the gateway keeps
 * the subject on a deny list for longer than any token or session can live. Only the subject id is stored.
 *
 * <p>Redis holds the list for every replica (each entry expires with its key); each replica holds it in memory too, so
 * that a request pays no round trip for it. The memory is loaded from Redis at start-up and refreshed from it every
 * {@code refresh-interval}, which is how a termination that another replica's consumer stored reaches this one; a
 * termination this replica consumes itself is refused here at once. Entries leave the memory only when they expire,
 * never because a refresh missed them. When the memory could not be refreshed for longer than {@code max-staleness}
 * (Redis away), it no longer answers "not denied": the caller fails closed, as it did when every request asked Redis.
 */
@Component
public class DenyList implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DenyList.class);

    /** PTTL of each key, in one round trip per batch of scanned keys. */
    private static final RedisScript<List> TTLS = RedisScript.of("""
            local ttls = {}
            for i, key in ipairs(KEYS) do ttls[i] = redis.call('PTTL', key) end
            return ttls
            """, List.class);

    private static final int SCAN_BATCH = 500;

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(10);

    private final ReactiveStringRedisTemplate redis;

    private final TerminationProperties properties;

    private final String prefix;

    private final Clock clock;

    /** Subject to the epoch millisecond its entry expires. */
    private final Map<String, Long> denied = new ConcurrentHashMap<>();

    /** {@link System#nanoTime()} of the last refresh that read all of Redis; 0 before the first. */
    private volatile long refreshedAt;

    private volatile Disposable refreshing;

    DenyList(
            ReactiveStringRedisTemplate redis,
            TerminationProperties properties,
            @org.springframework.beans.factory.annotation.Value("${gateway.redis-key-prefix:gw:}") String prefix) {
        this.redis = redis;
        this.properties = properties;
        this.prefix = prefix + "deny:sub:";
        this.clock = Clock.systemUTC();
    }

    /** Refused here from now on; stored in Redis for the other replicas (the Mono completes once it is). */
    public Mono<Boolean> deny(String subject) {
        denied.merge(subject, clock.millis() + properties.denyTtl().toMillis(), Math::max);
        return redis.opsForValue().set(prefix + subject, "terminated", properties.denyTtl());
    }

    /**
     * @return whether the subject is denied, or empty when that is not known: a subject on the list is always
     *     denied, but "not on the list" is only an answer while the list is fresh
     */
    public Optional<Boolean> isDenied(String subject) {
        Long until = denied.get(subject);
        if (until != null && until > clock.millis()) {
            return Optional.of(true);
        }
        long refreshed = refreshedAt;
        if (refreshed == 0
                || System.nanoTime() - refreshed > properties.maxStaleness().toNanos()) {
            return Optional.empty();
        }
        return Optional.of(false);
    }

    /** Reads every entry of Redis with the time it has left into the memory, and forgets what has expired. */
    Mono<Void> refresh() {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return redis.scan(ScanOptions.scanOptions()
                            .match(prefix + "*")
                            .count(SCAN_BATCH)
                            .build())
                    .buffer(SCAN_BATCH)
                    .concatMap(keys -> redis.execute(TTLS, keys).next().doOnNext(ttls -> remember(keys, ttls)))
                    .then(Mono.fromRunnable(() -> {
                        long now = clock.millis();
                        denied.values().removeIf(until -> until <= now);
                        refreshedAt = started;
                    }));
        });
    }

    private void remember(List<String> keys, List<?> ttls) {
        long now = clock.millis();
        for (int i = 0; i < keys.size(); i++) {
            long ttl = ((Number) ttls.get(i)).longValue();
            if (ttl == -2) {
                continue; // expired between SCAN and PTTL
            }
            long until = now + (ttl < 0 ? properties.denyTtl().toMillis() : ttl);
            denied.merge(keys.get(i).substring(prefix.length()), until, Math::max);
        }
    }

    /**
     * Loads the list before the gateway takes requests (waiting a bounded time: without Redis the gateway still
     * starts, and refuses signed-in requests until the list is loaded), then keeps refreshing it.
     */
    @Override
    public void start() {
        try {
            refresh()
                    .block(
                            STARTUP_WAIT.compareTo(properties.maxStaleness()) < 0
                                    ? STARTUP_WAIT
                                    : properties.maxStaleness());
            log.info("Deny list loaded from Redis: {} entries", denied.size());
        } catch (RuntimeException ex) {
            log.warn("Deny list not loaded from Redis yet: {}", ex.toString());
        }
        refreshing = Flux.interval(properties.refreshInterval(), properties.refreshInterval())
                .onBackpressureDrop()
                .concatMap(tick -> refresh().onErrorResume(ex -> {
                    log.warn("Deny list not refreshed from Redis: {}", ex.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = refreshing;
        if (current != null) {
            current.dispose();
        }
        refreshing = null;
    }

    /** Before the web server takes requests, and stopped after it. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 4096;
    }

    @Override
    public boolean isRunning() {
        return refreshing != null;
    }

    /**
     * @param denyTtl         longer than the longest token or browser-session lifetime (Keycloak SSO max 10 h)
     * @param refreshInterval how often each replica reads the list from Redis: the longest a termination consumed by
     *                        another replica takes to be refused here
     * @param maxStaleness    how long the memory is trusted without a successful refresh; after that signed-in
     *                        requests get 503 until Redis answers again
     */
    @ConfigurationProperties("gateway.termination")
    public record TerminationProperties(Duration denyTtl, Duration refreshInterval, Duration maxStaleness) {

        public TerminationProperties {
            denyTtl = denyTtl == null ? Duration.ofHours(11) : denyTtl;
            refreshInterval = refreshInterval == null ? Duration.ofSeconds(5) : refreshInterval;
            maxStaleness = maxStaleness == null ? Duration.ofSeconds(30) : maxStaleness;
        }
    }
}
