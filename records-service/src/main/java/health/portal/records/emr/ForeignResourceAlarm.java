package health.portal.records.emr;

import health.portal.emr.adapter.ForeignResourceListener;
import health.portal.proto.events.v1.Outcome;
import health.portal.records.audit.AuditTrail;
import health.portal.records.audit.AuditUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The EMR answered a patient's search with another patient's resources; the adapter dropped them. That is audited
 * against the patient the call was for and counted ({@code portal_records_foreign_resources_dropped_total}, alert
 * EmrReturnedAnotherPatientsRecord), because the EMR's filter failing once means it can fail where we do not check.
 */
@Component
class ForeignResourceAlarm implements ForeignResourceListener {

    private static final Logger log = LoggerFactory.getLogger(ForeignResourceAlarm.class);

    private final AuditTrail audit;
    private final Counter dropped;

    ForeignResourceAlarm(AuditTrail audit, MeterRegistry meters) {
        this.audit = audit;
        // registered at start, so that the alert's increase() sees the first drop after a restart too
        this.dropped = Counter.builder("portal.records.foreign.resources.dropped")
                .description("Resources of another patient the EMR returned for a patient's search, dropped")
                .register(meters);
    }

    @Override
    public void dropped(String patientId, String resourceType, int count) {
        dropped.increment(count);
        log.error("The EMR returned {} {} resource(s) of another patient for a search; dropped", count, resourceType);
        try {
            audit.record(
                    "records.ForeignResourcesDropped",
                    resourceType,
                    patientId,
                    Outcome.FAILED,
                    count + " " + resourceType + " of another patient returned by the EMR and withheld");
        } catch (AuditUnavailableException e) {
            // the call's own audit fails closed right after; the counter and the log still carry the incident
        }
    }
}
