package health.portal.records.access;

import health.portal.platform.security.Caller;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Map;
import java.util.Set;

/**
 * What records-service grants beyond the roles: each service client (the token's {@code azp}) the calls it needs
 * and no more, and the clients whose word it takes for the end user's address and device.
 *
 * @param services          per service client, the rpc names it may call ({@code VerifyPatient}, ...); a service
 *                          client not listed may call nothing, whatever its roles
 * @param trustedForwarders clients (the gateway's) whose own token, sent in {@code x-portal-forwarder}, vouches for
 *                          the {@code x-forwarded-for} and {@code x-forwarded-user-agent} of a call
 */
@ConfigurationProperties("records.access")
public record AccessGrants(Map<String, Set<String>> services, Set<String> trustedForwarders) {

    public AccessGrants {
        services = services == null ? Map.of() : Map.copyOf(services);
        trustedForwarders = trustedForwarders == null ? Set.of() : Set.copyOf(trustedForwarders);
    }

    /** Whether this service caller was granted the rpc; only asked for callers acting as a service. */
    public boolean serviceMayCall(Caller service, String rpc) {
        return services.getOrDefault(service.clientId(), Set.of()).contains(rpc);
    }

    public boolean isTrustedForwarder(Caller caller) {
        return !caller.clientId().isEmpty() && trustedForwarders.contains(caller.clientId());
    }
}
