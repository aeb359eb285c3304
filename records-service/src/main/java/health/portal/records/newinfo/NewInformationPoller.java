package health.portal.records.newinfo;

import health.portal.emr.adapter.ChangeFeed;
import health.portal.emr.adapter.EmrClient;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.InformationKind;
import health.portal.proto.events.v1.NewInformationAvailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells the portal when the EMR has something new for a patient, by polling {@code _lastUpdated} (the sandbox, like
 * many EMRs, offers no Subscriptions). Each change becomes one NewInformationAvailable (patient id and kind, nothing of
 * the record) on {@link Topics#RECORDS_EVENTS}, sent and acknowledged before the watermark moves past it.
 *
 * <p>Where a start begins: records-service has no database, and the watermark is kept in memory only. A start looks
 * back {@code start-overlap} from now instead of keeping the watermark in a compacted topic of its own: a notice is a
 * courtesy (the patient finds the result in the portal either way), repeats within the overlap carry the same event
 * id and are dropped by the consumers' inboxes, and a first start does not announce the EMR's whole history. The cost:
 * a change made while the service was down for longer than the overlap gets no notice.
 */
@Component
@ConditionalOnProperty(name = "records.new-information.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(NewInformationProperties.class)
class NewInformationPoller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NewInformationPoller.class);
    private static final int REMEMBERED = 10_000;

    private final ChangeFeed feed;
    private final DirectEventPublisher events;
    private final NewInformationProperties properties;
    private final String producer;
    private final Clock clock;
    private final Map<String, Instant> watermarks = new LinkedHashMap<>();
    // event ids already sent: a pass starts at its watermark inclusive and sees the last change again
    private final Map<String, Boolean> sent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    private volatile ScheduledExecutorService scheduler;

    NewInformationPoller(
            EmrClient emr,
            DirectEventPublisher events,
            NewInformationProperties properties,
            @Value("${spring.application.name:records-service}") String producer) {
        this.feed = emr.changes();
        this.events = events;
        this.properties = properties;
        this.producer = producer;
        this.clock = Clock.systemUTC();
        Instant from = clock.instant().minus(properties.startOverlap());
        NewInformation.TYPES.forEach(type -> watermarks.put(type, from));
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("new-information").factory());
        scheduler.scheduleWithFixedDelay(this::pass, 0, properties.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the types; a failure ends the type's pass where it failed, the next pass retries from there. */
    synchronized void pass() {
        for (String type : NewInformation.TYPES) {
            try {
                for (ChangeFeed.Change change : feed.since(type, watermarks.get(type))) {
                    announce(change);
                    watermarks.put(type, change.lastUpdated());
                }
            } catch (RuntimeException e) {
                log.warn(
                        "New-information pass for {} stopped; retried in {}: {}",
                        type,
                        properties.interval(),
                        e.toString());
            }
        }
    }

    private void announce(ChangeFeed.Change change) {
        Optional<InformationKind> kind = NewInformation.kindOf(change);
        String eventId = NewInformation.eventId(change);
        if (kind.isEmpty() || sent.containsKey(eventId)) {
            return;
        }
        EventEnvelope envelope = Envelopes.wrap(
                        NewInformationAvailable.newBuilder()
                                .setPatientId(change.patientId())
                                .setKind(kind.get())
                                .build(),
                        change.patientId(),
                        producer,
                        null,
                        change.lastUpdated())
                .toBuilder()
                .setEventId(eventId)
                .build();
        events.sendAndWait(Topics.RECORDS_EVENTS, change.patientId(), envelope, properties.sendTimeout());
        sent.put(eventId, Boolean.TRUE);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = scheduler;
        if (running != null) {
            running.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
