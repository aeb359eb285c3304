package health.portal.identity.accesslog;

import health.portal.platform.events.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * The chain's key and where its head is published ({@code portal.access-log.*}).
 *
 * @param macKey HMAC-SHA256 key of the chain (env {@code ACCESS_LOG_MAC_KEY}), checked by {@link ChainMac}
 * @param headTopic the compacted topic the head goes to; tests give each database a topic of its own
 * @param headPublishInterval how often the committed head is published when it has moved
 */
@ConfigurationProperties("portal.access-log")
record AccessLogProperties(String macKey, String headTopic, Duration headPublishInterval) {

    AccessLogProperties {
        if (headTopic == null || headTopic.isBlank()) {
            headTopic = Topics.ACCESS_LOG_HEAD;
        }
        if (headPublishInterval == null) {
            headPublishInterval = Duration.ofSeconds(1);
        }
    }
}
