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
 * @param termsVersion the version of the terms of use the user accepted ({@code terms_version}, set by
 *                  identity-service only), empty when none: see {@link health.portal.platform.security.terms.TermsRule}
 */
public record Caller(
        String subject,
        ActorType actorType,
        String patientId,
        Set<String> roles,
        String username,
        String name,
        String clientId,
        String termsVersion) {

    public static final String ROLE_PATIENT = "patient";
    /** Front desk: issue and revoke activation codes. */
    public static final String ROLE_FRONT_DESK = "front-desk";
    /** Privacy officer: end a patient's access, read any patient's access log, verify the log. */
    public static final String ROLE_PRIVACY_OFFICER = "privacy-officer";
    /** Clinician: read a patient's record, with a stated purpose of use. */
    public static final String ROLE_CLINICIAN = "clinician";
    /** Billing office: view any patient's billing account, run statements and paper-mail exports. */
    public static final String ROLE_BILLING_OFFICE = "billing-office";

    public static final Set<String> STAFF_ROLES =
            Set.of(ROLE_FRONT_DESK, ROLE_PRIVACY_OFFICER, ROLE_CLINICIAN, ROLE_BILLING_OFFICE);

    /**
     * Staff act as staff only through this client: its sign-in asks for the password and a one-time code every time,
     * and its tokens say so ({@code amr}). A clinician who signs in to the patient portal is a patient there.
     */
    public static final String STAFF_CLIENT = "portal-staff";
    /** Service accounts that may read records on their own behalf (identity-service, messaging, billing). */
    public static final String ROLE_SERVICE = "records-service";

    public static final String PATIENT_ID_CLAIM = "patient_id";
    /** The accepted terms version, from the Keycloak user attribute of the same name that only admins may set. */
    public static final String TERMS_VERSION_CLAIM = "terms_version";

    public Caller {
        subject = subject == null ? "" : subject;
        patientId = patientId == null ? "" : patientId;
        clientId = clientId == null ? "" : clientId;
        termsVersion = termsVersion == null ? "" : termsVersion;
        roles = Set.copyOf(roles);
    }

    public static Caller anonymous() {
        return new Caller("", ActorType.ANONYMOUS, "", Set.of(), null, null, "", "");
    }

    public static Caller of(Jwt jwt) {
        return fromClaims(jwt.getClaims());
    }

    /** From the claims of a token that has been verified (an access token, or an ID token of a browser session). */
    public static Caller fromClaims(Map<String, Object> claims) {
        Set<String> roles = realmRoles(claims);
        return new Caller(
                string(claims.get("sub")),
                actorTypeOf(roles, isVerifiedStaffSignIn(claims)),
                string(claims.get(PATIENT_ID_CLAIM)),
                roles,
                stringOrNull(claims.get("preferred_username")),
                displayName(claims),
                string(claims.get("azp")),
                string(claims.get(TERMS_VERSION_CLAIM)));
    }

    /**
     * The one role rule. Staff first, when they signed in as staff (the staff client, with a second factor): a
     * clinician who is also a patient acts as staff there, and as a patient in the patient portal. A service account
     * is a service. A token with none of the portal's roles may do nothing (it is not anonymous, but unspecified).
     */
    public static ActorType actorTypeOf(Set<String> roles, boolean verifiedStaffSignIn) {
        if (verifiedStaffSignIn && roles.stream().anyMatch(STAFF_ROLES::contains)) {
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

    /**
     * Issued to the staff client after a sign-in with a one-time code: Keycloak's AMR mapper lists the reference of
     * each authenticator the sign-in passed ({@code otp} for the one-time code form of the staff flow).
     */
    static boolean isVerifiedStaffSignIn(Map<String, Object> claims) {
        return STAFF_CLIENT.equals(claims.get("azp"))
                && claims.get("amr") instanceof Collection<?> amr
                && amr.contains("otp");
    }

    /**
     * The roles this token may act with: staff roles only when it is a staff sign-in with a second factor, so that a
     * clinician's patient-portal token carries no staff authority anywhere.
     */
    public Set<String> effectiveRoles() {
        if (actorType == ActorType.STAFF) {
            return roles;
        }
        Set<String> effective = new LinkedHashSet<>(roles);
        effective.removeAll(STAFF_ROLES);
        return effective;
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
