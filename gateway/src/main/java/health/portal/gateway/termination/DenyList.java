package health.portal.gateway.termination;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Subjects whose access was ended. A token stays cryptographically valid until it expires, so the gateway keeps
 * the subject on a deny list for longer than any token or session can live. Only the subject id is stored.
 */
@Component
public class DenyList {

    private final ReactiveStringRedisTemplate redis;

    private final Duration ttl;

    private final String prefix;

    DenyList(
            ReactiveStringRedisTemplate redis,
            TerminationProperties properties,
            @org.springframework.beans.factory.annotation.Value("${gateway.redis-key-prefix:gw:}") String prefix) {
        this.redis = redis;
        this.prefix = prefix + "deny:sub:";
        this.ttl = properties.denyTtl();
    }

    public Mono<Boolean> deny(String subject) {
        return redis.opsForValue().set(prefix + subject, "terminated", ttl);
    }

    public Mono<Boolean> isDenied(String subject) {
        return redis.hasKey(prefix + subject);
    }

    /**
     * @param denyTtl longer than the longest token or browser-session lifetime (Keycloak SSO max 10 h)
     */
    @ConfigurationProperties("gateway.termination")
    public record TerminationProperties(Duration denyTtl) {

        public TerminationProperties {
            denyTtl = denyTtl == null ? Duration.ofHours(11) : denyTtl;
        }
    }
}
