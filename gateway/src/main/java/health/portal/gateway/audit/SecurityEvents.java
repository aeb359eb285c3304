package health.portal.gateway.audit;

import health.portal.gateway.web.FixedWindowCounter;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.SecurityEvent;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/**
 * Signals for break-in monitoring: a Prometheus counter ({@code gateway_security_events_total{kind}}, which the
 * alert rules watch) and a SecurityEvent on Kafka for the security team's tooling.
 */
@Component
public class SecurityEvents {

    public static final String BAD_TOKEN_SIGNATURE = "bad_token_signature";

    public static final String RATE_LIMITED = "rate_limited";

    public static final String TERMINATED_USER = "terminated_user_refused";

    static final String BURST_PREFIX = "auth.burst_";

    private static final Logger log = LoggerFactory.getLogger(SecurityEvents.class);

    private final DirectEventPublisher events;

    private final AuditBuffer buffer;

    private final MeterRegistry meters;

    private final FixedWindowCounter counter;

    private final EventsProperties properties;

    SecurityEvents(
            DirectEventPublisher events,
            AuditBuffer buffer,
            MeterRegistry meters,
            FixedWindowCounter counter,
            EventsProperties properties) {
        this.events = events;
        this.buffer = buffer;
        this.meters = meters;
        this.counter = counter;
        this.properties = properties;
        // every kind the alert rules watch exists from the start at 0: increase() then sees the first event too,
        // also the first after a restart
        for (String kind :
                List.of(BAD_TOKEN_SIGNATURE, RATE_LIMITED, TERMINATED_USER, BURST_PREFIX + 401, BURST_PREFIX + 403)) {
            meters.counter("gateway.security.events", "kind", kind);
        }
    }

    public void publish(String kind, String clientIp, String userId, String route, int count) {
        meters.counter("gateway.security.events", "kind", kind).increment();
        log.info("security event kind={} client_ip={} user={} route={} count={}", kind, clientIp, userId, route, count);
        buffer.offer(
                Topics.SECURITY_EVENTS,
                "",
                events.envelope(
                        SecurityEvent.newBuilder()
                                .setKind(kind)
                                .setClientIp(nullToEmpty(clientIp))
                                .setUserId(nullToEmpty(userId))
                                .setRoute(nullToEmpty(route))
                                .setCount(count)
                                .build(),
                        "",
                        null));
    }

    /** Counts 401/403 per client address; the burst is reported once per window, when it reaches the threshold. */
    Mono<Void> recordAuthFailure(int status, String clientIp, String userId, String route) {
        meters.counter("gateway.auth.failures", "status", Integer.toString(status))
                .increment();
        Duration window = Duration.ofSeconds(properties.burstWindowSeconds());
        return counter.increment("sec:" + status + ":" + clientIp, window)
                .doOnNext(count -> {
                    if (count.value() == properties.authFailureBurst()) {
                        publish(BURST_PREFIX + status, clientIp, userId, route, (int) count.value());
                    }
                })
                .onErrorResume(ex -> Mono.empty())
                .then();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
