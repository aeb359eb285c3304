package health.portal.gateway.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Requests allowed per window.
 *
 * @param perAddress  any request from one client address that is not signed in (a valid token or session)
 * @param perUser     any request of one signed-in user (token subject)
 * @param signIn      sign-in starts and callbacks from one address (stricter: password guessing, code replay)
 * @param enrollment  enrollment calls from one address (stricter: activation-code guessing)
 */
@ConfigurationProperties("gateway.rate-limit")
public record RateLimitProperties(
        boolean enabled, Duration window, int perAddress, int perUser, int signIn, int enrollment) {

    public RateLimitProperties {
        window = window == null ? Duration.ofMinutes(1) : window;
    }
}
