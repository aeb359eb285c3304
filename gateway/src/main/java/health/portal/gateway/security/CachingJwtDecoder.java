package health.portal.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;

/**
 * Remembers tokens that passed verification until they expire, so that an app's repeated requests with one token pay
 * the signature check and the claim checks once. Only what the wrapped decoder accepted is remembered; a token that
 * fails is checked again every time (and reported again by the entry point). A remembered token is never used after
 * its {@code exp}, which is earlier than the wrapped decoder would accept it (it allows a clock skew): past that the
 * token goes to the decoder again, which refuses it. Keyed by the token string itself: any change to it, however
 * small, is another key.
 */
final class CachingJwtDecoder implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder delegate;

    private final Cache<String, Jwt> verified;

    private final Clock clock;

    CachingJwtDecoder(ReactiveJwtDecoder delegate, int maximumSize, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> untilExpiry(jwt)))
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        Jwt known = verified.getIfPresent(token);
        if (known != null && clock.instant().isBefore(known.getExpiresAt())) {
            return Mono.just(known);
        }
        return Mono.defer(() -> delegate.decode(token)).doOnNext(jwt -> {
            if (jwt.getExpiresAt() != null && clock.instant().isBefore(jwt.getExpiresAt())) {
                verified.put(token, jwt);
            }
        });
    }

    private Duration untilExpiry(Jwt jwt) {
        Duration left = Duration.between(clock.instant(), jwt.getExpiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
