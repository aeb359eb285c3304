package health.portal.records.newinfo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * records.new-information.*: how the EMR is asked for what is new.
 *
 * @param enabled      false: no polling, no NewInformationAvailable events
 * @param interval     pause between two passes
 * @param startOverlap how far before its start the service looks back (see {@link NewInformationPoller})
 * @param sendTimeout  how long a pass waits for Kafka's acknowledgement of one event
 */
@ConfigurationProperties("records.new-information")
record NewInformationProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30s") Duration interval,
        @DefaultValue("2m") Duration startOverlap,
        @DefaultValue("5s") Duration sendTimeout) {}
