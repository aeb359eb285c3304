package health.portal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A verified token is verified once, used no longer than its expiry, and a refused one is never remembered. */
class CachingJwtDecoderTest {

    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final List<String> verifications = new ArrayList<>();
    /** Accepts "good-*" tokens, valid for five minutes from now, with the time of verification as a claim. */
    private final JwtDecoder verifier = token -> {
        verifications.add(token);
        if (!token.startsWith("good-")) {
            throw new BadJwtException("bad signature");
        }
        Instant now = clock.instant();
        if (token.endsWith("-expired")) {
            return jwt(token, now.minusSeconds(600), now.minusSeconds(1));
        }
        return jwt(token, now, now.plus(Duration.ofMinutes(5)));
    };

    private final JwtDecoder decoder = new CachingJwtDecoder(verifier, new VerifiedTokens(100, clock));

    @Test
    void aTokenIsVerifiedOnceWhileItIsValid() {
        Jwt first = decoder.decode("good-a");
        clock.advance(Duration.ofMinutes(4));
        assertThat(decoder.decode("good-a")).isSameAs(first);
        assertThat(verifications).containsExactly("good-a");
        // another token string is another key, however close
        decoder.decode("good-b");
        assertThat(verifications).containsExactly("good-a", "good-b");
    }

    @Test
    void pastItsExpiryTheTokenGoesToTheVerifierAgain() {
        decoder.decode("good-a");
        clock.advance(Duration.ofMinutes(5));
        decoder.decode("good-a");
        assertThat(verifications).containsExactly("good-a", "good-a");
    }

    @Test
    void aRefusedTokenIsRefusedEveryTimeAndAskedEveryTime() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);
        }
        assertThat(verifications).containsExactly("forged", "forged", "forged");
    }

    @Test
    void aTokenThatIsExpiredAlreadyIsNotRemembered() {
        decoder.decode("good-expired");
        decoder.decode("good-expired");
        assertThat(verifications).hasSize(2);
    }

    private static Jwt jwt(String token, Instant issued, Instant expires) {
        return new Jwt(token, issued, expires, Map.of("alg", "RS256"), Map.of("sub", token));
    }

    private static final class MovingClock extends Clock {

        private Instant now;

        MovingClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
