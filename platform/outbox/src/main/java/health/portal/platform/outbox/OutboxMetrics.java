package health.portal.platform.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges of the outbox, read from the database at each scrape, so every replica of a service reports the same
 * database-wide values (alert on their maximum):
 *
 * <ul>
 *   <li>{@code portal.outbox.parked} (Prometheus {@code portal_outbox_parked}): rows parked after Kafka refused them;
 *       anything above zero is an event that consumers did not get, see {@link OutboxAdmin#requeueParked()};
 *   <li>{@code portal.outbox.oldest.unsent.age} ({@code portal_outbox_oldest_unsent_age_seconds}): how long the oldest
 *       row that is neither sent nor parked has been waiting; it grows while Kafka is unreachable or no relay runs.
 * </ul>
 */
public class OutboxMetrics implements MeterBinder {

    private final OutboxAdmin admin;

    public OutboxMetrics(OutboxAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("portal.outbox.parked", admin, OutboxAdmin::parkedCount)
                .description("Outbox events parked after Kafka refused them max-attempts times")
                .register(registry);
        Gauge.builder(
                        "portal.outbox.oldest.unsent.age",
                        admin,
                        a -> a.oldestPendingAge().toNanos() / 1e9)
                .description("Age of the oldest outbox event that is neither sent nor parked")
                .baseUnit("seconds")
                .register(registry);
    }
}
