package health.portal.gateway.web;

import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;

/**
 * Health on the public port, status only (load balancers and the launcher probe it there). Every other actuator
 * endpoint lives on the internal management port.
 */
@RestController
class PublicHealthController {

    private final HealthEndpoint health;

    PublicHealthController(HealthEndpoint health) {
        this.health = health;
    }

    @GetMapping(path = "/actuator/health", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Map<String, String>>> health() {
        return Mono.fromCallable(health::health)
                .subscribeOn(Schedulers.boundedElastic())
                .map(this::status);
    }

    /** Kubernetes probes: liveness and readiness groups. */
    @GetMapping(path = "/actuator/health/{probe:liveness|readiness}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Map<String, String>>> probe(@PathVariable String probe) {
        return Mono.fromCallable(() -> health.healthForPath(probe))
                .subscribeOn(Schedulers.boundedElastic())
                .map(this::status);
    }

    private ResponseEntity<Map<String, String>> status(HealthDescriptor descriptor) {
        Status status = descriptor == null ? Status.UNKNOWN : descriptor.getStatus();
        HttpStatus http = Status.UP.equals(status) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
        return ResponseEntity.status(http).body(Map.of("status", status.getCode()));
    }
}
