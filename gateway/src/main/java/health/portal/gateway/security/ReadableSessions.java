package health.portal.gateway.security;

import org.springframework.session.MapSession;
import org.springframework.session.data.redis.RedisSessionMapper;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns a session's Redis hash into a session, or into none where there is no whole, readable session:
 * <ul>
 * <li>a value that cannot be opened any more (its key retired, or altered in Redis): its browser signs in again;</li>
 * <li>a hash without the session's own fields: a save racing a delete (a request finishing while the session is
 * signed out or expires) writes a few attributes back into a hash that is gone. Spring Session's own mapper throws on
 * such a hash, and when that happens while it handles an expiry notification, the error ends the repository's one
 * subscription to Redis's expiry events: no later idle timeout would end its Keycloak session
 * ({@link KeycloakSessionEnd}) until the gateway restarts.</li>
 * </ul>
 */
final class ReadableSessions implements BiFunction<String, Map<String, Object>, Mono<MapSession>> {

    /** RedisSessionMapper's own field names (package-private there). */
    private static final List<String> SESSION_FIELDS =
            List.of("creationTime", "lastAccessedTime", "maxInactiveInterval");

    private final RedisSessionMapper mapper = new RedisSessionMapper();

    @Override
    public Mono<MapSession> apply(String id, Map<String, Object> values) {
        if (values.containsValue(EncryptedSessionSerializer.Unreadable.VALUE)
                || !values.keySet().containsAll(SESSION_FIELDS)) {
            return Mono.empty();
        }
        return Mono.fromSupplier(() -> mapper.apply(id, values));
    }
}
