package health.portal.platform.security;

import health.portal.platform.problem.Problems;
import health.portal.proto.events.v1.ActorType;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.ErrorResponseException;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling, from a verified access token of the portal's identity provider: the one reading of a token for
 * every service, the gateway and records-service's gRPC interceptor included. The EMR patient id comes only from
 * the token's {@code patient_id} claim (the identity provider binds it to the account), never from a URL or body.
 *
 * @param subject   the identity provider's subject (Keycloak user id), empty when anonymous
 * @param actorType what kind of caller, by {@link #actorTypeOf the one role rule}
 * @param patientId the EMR patient id of a patient's account, empty otherwise
 * @param roles     the realm roles ({@code realm_access.roles})
 * @param username  {@code preferred_username}, or null
 * @param name      the display name ({@code name}, else given and family name), or null
 * @param clientId  the client the token was issued to ({@code azp}), empty when unknown: a service account is known
 *                  by it, and what a service may do is granted per client
 */
public record Caller(
        String subject,
        ActorType actorType,
        String patientId,
        Set<String> roles,
        String username,
        String name,
        String clientId) {

    public static final String ROLE_PATIENT = "patient";
    public static final String ROLE_STAFF = "staff";
    /** Service accounts that may read records on their own behalf (identity-service, messaging, billing). */
    public static final String ROLE_SERVICE = "records-service";

    public static final String PATIENT_ID_CLAIM = "patient_id";

    public Caller {
        subject = subject == null ? "" : subject;
        patientId = patientId == null ? "" : patientId;
        clientId = clientId == null ? "" : clientId;
        roles = Set.copyOf(roles);
    }

    public static Caller anonymous() {
        return new Caller("", ActorType.ANONYMOUS, "", Set.of(), null, null, "");
    }

    public static Caller of(Jwt jwt) {
        return fromClaims(jwt.getClaims());
    }

    /** From the claims of a token that has been verified (an access token, or an ID token of a browser session). */
    public static Caller fromClaims(Map<String, Object> claims) {
        Set<String> roles = realmRoles(claims);
        return new Caller(
                string(claims.get("sub")),
                actorTypeOf(roles),
                string(claims.get(PATIENT_ID_CLAIM)),
                roles,
                stringOrNull(claims.get("preferred_username")),
                displayName(claims),
                string(claims.get("azp")));
    }

    /**
     * The one role rule. Staff first: a clinician who is also a patient acts as staff. A service account is a
     * service. A token with none of the portal's roles may do nothing (it is not anonymous, but unspecified).
     */
    public static ActorType actorTypeOf(Set<String> roles) {
        if (roles.contains(ROLE_STAFF)) {
            return ActorType.STAFF;
        }
        if (roles.contains(ROLE_SERVICE)) {
            return ActorType.SERVICE;
        }
        if (roles.contains(ROLE_PATIENT)) {
            return ActorType.PATIENT;
        }
        return ActorType.ACTOR_TYPE_UNSPECIFIED;
    }

    /** Keycloak puts realm roles under {@code realm_access.roles}. */
    public static Set<String> realmRoles(Map<String, Object> claims) {
        Set<String> roles = new LinkedHashSet<>();
        if (claims.get("realm_access") instanceof Map<?, ?> realmAccess
                && realmAccess.get("roles") instanceof Collection<?> list) {
            list.forEach(role -> roles.add(String.valueOf(role)));
        }
        return roles;
    }

    public boolean authenticated() {
        return actorType != ActorType.ANONYMOUS;
    }

    public boolean isPatient() {
        return actorType == ActorType.PATIENT && !patientId.isEmpty();
    }

    /** The patient whose own data this caller may see; a 403 problem for accounts without one. */
    public String requirePatientId() {
        if (patientId.isBlank()) {
            throw noPatient();
        }
        return patientId;
    }

    private static ErrorResponseException noPatient() {
        return Problems.exception(
                HttpStatus.FORBIDDEN,
                "no-patient",
                "No patient record",
                "This account is not linked to a patient record.");
    }

    private static String displayName(Map<String, Object> claims) {
        String name = stringOrNull(claims.get("name"));
        if (name != null) {
            return name;
        }
        String given = stringOrNull(claims.get("given_name"));
        String family = stringOrNull(claims.get("family_name"));
        if (given == null && family == null) {
            return null;
        }
        return ((given == null ? "" : given) + " " + (family == null ? "" : family)).trim();
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String stringOrNull(Object value) {
        return value == null ? null : value.toString();
    }
}
