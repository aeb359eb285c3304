package health.portal.gateway.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The thresholds for security signals (topics: {@link health.portal.platform.events.Topics}).
 *
 * @param authFailureBurst    this many 401/403 from one address within {@code burstWindowSeconds} is a burst
 * @param burstWindowSeconds  the window of that count
 */
@ConfigurationProperties("gateway.events")
public record EventsProperties(int authFailureBurst, int burstWindowSeconds) {

    public EventsProperties {
        authFailureBurst = authFailureBurst <= 0 ? 20 : authFailureBurst;
        burstWindowSeconds = burstWindowSeconds <= 0 ? 60 : burstWindowSeconds;
    }
}
