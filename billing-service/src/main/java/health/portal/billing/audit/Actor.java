package health.portal.billing.audit;

import health.portal.platform.security.Caller;
import health.portal.proto.events.v1.ActorType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who did something and from where: the token's user and the client address the gateway forwards (the remote
 * address, with {@code server.forward-headers-strategy=framework}) and device.
 */
public record Actor(String id, String name, ActorType type, String patientId, String clientIp, String userAgent) {

    public static Actor of(Jwt jwt, HttpServletRequest request) {
        Caller caller = Caller.of(jwt);
        String agent = request.getHeader("User-Agent");
        return new Actor(
                caller.subject(),
                caller.username(),
                caller.actorType(),
                caller.patientId(),
                request.getRemoteAddr(),
                agent == null ? null : agent.substring(0, Math.min(agent.length(), 512)));
    }

    /** The portal itself, acting on an event (enrollment). */
    public static Actor system(String id) {
        return new Actor(id, null, ActorType.SERVICE, "", null, null);
    }
}
