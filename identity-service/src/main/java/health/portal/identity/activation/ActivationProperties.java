package health.portal.identity.activation;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** {@code portal.activation.*}: how long a code stays valid and after how many wrong birth dates it locks. */
@ConfigurationProperties("portal.activation")
public record ActivationProperties(Duration validity, Integer maxFailedAttempts) {

    public ActivationProperties {
        validity = validity == null ? Duration.ofDays(60) : validity;
        maxFailedAttempts = maxFailedAttempts == null ? 5 : maxFailedAttempts;
    }
}
