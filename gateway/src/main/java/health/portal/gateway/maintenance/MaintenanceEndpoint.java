package health.portal.gateway.maintenance;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Operators switch maintenance mode on the management port:
 * {@code POST /actuator/maintenance {"message": "...", "retryAfterSeconds": 600}} and
 * {@code DELETE /actuator/maintenance}; {@code GET} shows the state.
 */
@Component
@Endpoint(id = "maintenance")
class MaintenanceEndpoint {

    private final MaintenanceMode maintenanceMode;

    MaintenanceEndpoint(MaintenanceMode maintenanceMode) {
        this.maintenanceMode = maintenanceMode;
    }

    @ReadOperation
    Mono<MaintenanceMode.Status> status() {
        return maintenanceMode.status();
    }

    @WriteOperation
    Mono<MaintenanceMode.Status> switchOn(@Nullable String message, @Nullable Long retryAfterSeconds) {
        return maintenanceMode.switchOn(
                message, retryAfterSeconds == null ? null : Duration.ofSeconds(Math.max(1, retryAfterSeconds)));
    }

    @DeleteOperation
    Mono<MaintenanceMode.Status> switchOff() {
        return maintenanceMode.switchOff();
    }
}
