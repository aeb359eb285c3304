package health.portal.messaging.notices;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * portal.notices.*: the notices' mail and where their addresses come from.
 *
 * @param portalUrl     the portal's public address, the one link in every notice (PORTAL_PUBLIC_URL)
 * @param from          the sender address
 * @param contactsUri   identity-service's base URL (IDENTITY_SERVICE_URI), which answers the notice addresses
 * @param sendInterval  how often due notices are looked for
 * @param retryBackoff  the first pause after a failed attempt, doubling up to {@code maxRetryBackoff}
 * @param requestTimeout identity-service's and Keycloak's time to answer
 */
@ConfigurationProperties("portal.notices")
record NoticeProperties(
        String portalUrl,
        String from,
        URI contactsUri,
        @DefaultValue("2s") Duration sendInterval,
        @DefaultValue("5s") Duration retryBackoff,
        @DefaultValue("5m") Duration maxRetryBackoff,
        @DefaultValue("5s") Duration requestTimeout) {

    NoticeProperties {
        if (portalUrl == null || portalUrl.isBlank() || from == null || from.isBlank() || contactsUri == null) {
            throw new IllegalStateException("portal.notices.portal-url, .from and .contacts-uri are required");
        }
    }
}
