package health.portal.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How bearer tokens are checked on the hot path.
 *
 * @param cacheSize  how many verified tokens are remembered (each until its own expiry at the latest); 0 verifies
 *                   every request anew
 * @param clockSkew  tolerance for the token's {@code exp} and {@code nbf}; it can only tighten the platform's own
 *                   (60 s), never widen it
 */
@ConfigurationProperties("gateway.security.tokens")
public record TokenCacheProperties(Integer cacheSize, Duration clockSkew) {

    public TokenCacheProperties {
        cacheSize = cacheSize == null ? 10_000 : cacheSize;
        clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
    }
}
