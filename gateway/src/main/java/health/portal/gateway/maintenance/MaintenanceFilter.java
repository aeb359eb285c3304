package health.portal.gateway.maintenance;

import health.portal.gateway.security.ManagementPort;
import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * While maintenance mode is on, every public request gets 503 with Retry-After and the operator's message;
 * health checks and the management port keep answering (so probes and the switch itself still work).
 */
@Component
class MaintenanceFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(MaintenanceFilter.class);

    private static final PathPattern HEALTH = PathPatternParser.defaultInstance.parse("/actuator/health/**");

    private final MaintenanceMode maintenanceMode;

    private final ManagementPort managementPort;

    MaintenanceFilter(MaintenanceMode maintenanceMode, ManagementPort managementPort) {
        this.maintenanceMode = maintenanceMode;
        this.managementPort = managementPort;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (HEALTH.matches(exchange.getRequest().getPath().pathWithinApplication())
                || managementPort.matches(exchange)) {
            return chain.filter(exchange);
        }
        return maintenanceMode
                .current()
                .onErrorResume(ex -> {
                    log.warn("Maintenance flag not readable, assuming off: {}", ex.toString());
                    return Mono.just(new MaintenanceMode.Status(false, null, 0, null));
                })
                .flatMap(status -> status.enabled()
                        ? ReactiveProblems.write(
                                exchange,
                                HttpStatus.SERVICE_UNAVAILABLE,
                                Problems.MAINTENANCE,
                                "Down for maintenance",
                                status.message(),
                                Duration.ofSeconds(status.retryAfterSeconds()))
                        : chain.filter(exchange));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
