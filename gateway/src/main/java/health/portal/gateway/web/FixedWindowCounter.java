package health.portal.gateway.web;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/**
 * Counts events per key in fixed windows, in Redis so that all replicas share the count. Only identifiers
 * (addresses, subjects) are used as keys, with a TTL of one window.
 */
@Component
public class FixedWindowCounter {

    /** Increments and returns {count, milliseconds left in the window}, atomically. */
    private static final RedisScript<List> INCREMENT = RedisScript.of("""
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return {count, ttl}
            """, List.class);

    private final ReactiveStringRedisTemplate redis;

    private final String prefix;

    public FixedWindowCounter(
            ReactiveStringRedisTemplate redis,
            @org.springframework.beans.factory.annotation.Value("${gateway.redis-key-prefix:gw:}") String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    public Mono<Count> increment(String key, Duration window) {
        return redis.execute(INCREMENT, List.of(prefix + key), List.of(Long.toString(window.toMillis())))
                .next()
                .map(result -> new Count(
                        ((Number) result.get(0)).longValue(), Duration.ofMillis(((Number) result.get(1)).longValue())));
    }

    public record Count(long value, Duration remaining) {}
}
