package health.portal.gateway.security;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The management port (actuator) is internal: it is bound to an internal address and never exposed by the
 * ingress. Requests arriving on it are told apart from public ones by the local port they came in on.
 */
@Component
public class ManagementPort implements ApplicationListener<WebServerInitializedEvent> {

    private volatile int port = -1;

    /**
     * Refuses to start when actuator would share the public port: the security rules let the management port's
     * requests through, which is only safe when that port is a separate, internal one.
     */
    ManagementPort(org.springframework.core.env.Environment environment) {
        String management = environment.getProperty("management.server.port", "");
        String server = environment.getProperty("server.port", "8080");
        if (management.isBlank() || management.equals("-1") || (!management.equals("0") && management.equals(server))) {
            throw new IllegalStateException("management.server.port must be a separate internal port (is '" + management
                    + "', server.port '" + server + "')");
        }
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if ("management".equals(event.getApplicationContext().getServerNamespace())) {
            this.port = event.getWebServer().getPort();
        }
    }

    public int port() {
        return port;
    }

    public boolean matches(ServerWebExchange exchange) {
        var local = exchange.getRequest().getLocalAddress();
        return port > 0 && local != null && local.getPort() == port;
    }
}
