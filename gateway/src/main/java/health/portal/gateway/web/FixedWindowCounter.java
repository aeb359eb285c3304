package health.portal.gateway.web;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
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

    /**
     * Several counters in one round trip: increments KEYS[i] (window ARGV[1] ms) until one passes its limit
     * ARGV[i + 1]; the counters after it are left alone, as if each had been checked in turn. Returns {index of the
     * counter past its limit (1-based, 0 for none), its count, milliseconds left in its window}.
     */
    private static final RedisScript<List> INCREMENT_UNTIL_OVER = RedisScript.of("""
            for i, key in ipairs(KEYS) do
              local count = redis.call('INCR', key)
              if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
              local ttl = redis.call('PTTL', key)
              if ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
              if count > tonumber(ARGV[i + 1]) then return {i, count, ttl} end
            end
            return {0, 0, 0}
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

    /**
     * Counts the request in each counter in turn, in one Redis round trip, stopping at the first one past its limit.
     *
     * @return which counter went past its limit, if any
     */
    public Mono<Over> incrementUntilOver(List<String> keys, List<Integer> limits, Duration window) {
        List<String> prefixed = new ArrayList<>(keys.size());
        List<String> args = new ArrayList<>(limits.size() + 1);
        args.add(Long.toString(window.toMillis()));
        for (int i = 0; i < keys.size(); i++) {
            prefixed.add(prefix + keys.get(i));
            args.add(Integer.toString(limits.get(i)));
        }
        return redis.execute(INCREMENT_UNTIL_OVER, prefixed, args)
                .next()
                .map(result -> new Over(
                        ((Number) result.get(0)).intValue() - 1,
                        new Count(
                                ((Number) result.get(1)).longValue(),
                                Duration.ofMillis(((Number) result.get(2)).longValue()))));
    }

    public record Count(long value, Duration remaining) {}

    /** @param index which of the counters went past its limit (0-based), -1 for none */
    public record Over(int index, Count count) {

        public boolean any() {
            return index >= 0;
        }
    }
}
