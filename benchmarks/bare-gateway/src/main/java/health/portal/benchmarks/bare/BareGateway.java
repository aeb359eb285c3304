package health.portal.benchmarks.bare;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The gateway benchmark's middle row: the same framework as the portal's gateway (Spring Cloud Gateway on Reactor
 * Netty, TLS), the same route to the same backend, and none of the portal's protections (no token check, rate
 * limits, deny list, audit, headers). What the portal's gateway loses against this is the price of its protections;
 * what this loses against nginx is the framework's.
 */
@SpringBootApplication
public class BareGateway {

    public static void main(String[] args) {
        SpringApplication.run(BareGateway.class, args);
    }
}
