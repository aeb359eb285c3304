package health.portal.platform.events.consumer;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The operator's handle on {@link DeadLetterReplay}: {@code POST /actuator/deadletters} with {@code {"topic":
 * "portal.audit.events"}} (or over JMX), once {@code deadletters} is in {@code
 * management.endpoints.web.exposure.include}. It is not exposed by default: a write operation that makes a service
 * re-read a topic belongs on an internal management port, not next to the public API. Replaying twice is harmless
 * (see {@link DeadLetterReplay}).
 */
@Endpoint(id = "deadletters")
public class DeadLetterEndpoint {

    private final DeadLetterReplay replay;

    public DeadLetterEndpoint(DeadLetterReplay replay) {
        this.replay = replay;
    }

    /** Replays the dead letters of {@code topic} and says how many. */
    @WriteOperation
    public DeadLetterReplay.Replayed replay(String topic) {
        return replay.replay(topic);
    }
}
