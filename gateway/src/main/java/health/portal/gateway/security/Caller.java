package health.portal.gateway.security;

import health.portal.proto.events.v1.ActorType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;

import java.util.Collection;
import java.util.Map;

/**
 * The signed-in user of a request, whether a bearer token (mobile) or a browser session: identifiers only.
 *
 * @param subject    the identity provider's subject (Keycloak user id)
 * @param patientId  the EMR patient id from the token, empty for users without one
 * @param browser    signed in through a gateway session rather than a bearer token
 */
public record Caller(String subject, String patientId, ActorType actorType, boolean browser) {

    public static final String ATTRIBUTE = Caller.class.getName();

    public static Caller of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    static Caller from(Authentication authentication) {
        if (authentication instanceof JwtAuthenticationToken jwt) {
            Map<String, Object> claims = jwt.getToken().getClaims();
            return new Caller(jwt.getToken().getSubject(), string(claims.get("patient_id")), actorType(claims), false);
        }
        if (authentication instanceof OAuth2AuthenticationToken oauth
                && oauth.getPrincipal() instanceof OidcUser user) {
            Map<String, Object> claims = user.getClaims();
            return new Caller(user.getSubject(), string(claims.get("patient_id")), actorType(claims), true);
        }
        return null;
    }

    private static ActorType actorType(Map<String, Object> claims) {
        if (claims.get("realm_access") instanceof Map<?, ?> realmAccess
                && realmAccess.get("roles") instanceof Collection<?> roles
                && roles.contains("staff")) {
            return ActorType.STAFF;
        }
        return claims.get("patient_id") != null ? ActorType.PATIENT : ActorType.ACTOR_TYPE_UNSPECIFIED;
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }
}
