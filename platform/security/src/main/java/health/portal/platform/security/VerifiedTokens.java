package health.portal.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Clock;
import java.time.Duration;

/**
 * Tokens that passed verification, remembered until they expire, so that a client's repeated calls with one token pay
 * the signature and claim checks once. Only what a decoder accepted is put here; a token that fails is checked again
 * every time. A remembered token is never handed out after its {@code exp}, earlier than a decoder would stop accepting
 * it (decoders allow a clock skew): past that it goes to the decoder again, which refuses it. Keyed by the token
 * string itself, so any change to it, however small, is another key. What this gives up: a token verified before its
 * signing key was withdrawn from the realm's key set stays accepted until it expires (the decoder's own key cache
 * already keeps a withdrawn key for minutes; access tokens live about as long).
 */
public final class VerifiedTokens {

    private final Cache<String, Jwt> verified;
    private final Clock clock;

    public VerifiedTokens(int maximumSize, Clock clock) {
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.<String, Jwt>creating((token, jwt) -> untilExpiry(jwt)))
                .build();
    }

    /** The verified token, or null when it was not verified here or has expired since. */
    public Jwt get(String token) {
        Jwt known = verified.getIfPresent(token);
        return known != null && clock.instant().isBefore(known.getExpiresAt()) ? known : null;
    }

    /** Remembers a token the decoder accepted; one without an expiry, or expired already, is not remembered. */
    public void put(String token, Jwt jwt) {
        if (jwt.getExpiresAt() != null && clock.instant().isBefore(jwt.getExpiresAt())) {
            verified.put(token, jwt);
        }
    }

    private Duration untilExpiry(Jwt jwt) {
        Duration left = Duration.between(clock.instant(), jwt.getExpiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
