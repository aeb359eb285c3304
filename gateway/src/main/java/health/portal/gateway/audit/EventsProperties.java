package health.portal.gateway.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Kafka topics and the thresholds for security signals.
 *
 * @param auditTopic          one AuditEvent per API request
 * @param securityTopic       SecurityEvents for break-in monitoring
 * @param authFailureBurst    this many 401/403 from one address within {@code burstWindowSeconds} is a burst
 * @param burstWindowSeconds  the window of that count
 */
@ConfigurationProperties("gateway.events")
public record EventsProperties(String auditTopic, String securityTopic, int authFailureBurst, int burstWindowSeconds) {

    public EventsProperties {
        auditTopic = auditTopic == null ? "portal.audit.events" : auditTopic;
        securityTopic = securityTopic == null ? "portal.security.events" : securityTopic;
        authFailureBurst = authFailureBurst <= 0 ? 20 : authFailureBurst;
        burstWindowSeconds = burstWindowSeconds <= 0 ? 60 : burstWindowSeconds;
    }
}
