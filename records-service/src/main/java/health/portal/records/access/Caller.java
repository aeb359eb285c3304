package health.portal.records.access;

import health.portal.proto.events.v1.ActorType;

import java.util.Set;

/**
 * Who is calling, from the verified access token: subject, kind of actor and, for a patient, the EMR patient id
 * the identity provider bound to the account. The patient id is never taken from anywhere else.
 */
public record Caller(boolean authenticated, String subject, ActorType actorType, String patientId, Set<String> roles) {

    public static final String ROLE_PATIENT = "patient";
    public static final String ROLE_STAFF = "staff";
    public static final String ROLE_SERVICE = "records-service";

    public static Caller anonymous() {
        return new Caller(false, "", ActorType.ANONYMOUS, "", Set.of());
    }

    /** Staff first: a clinician who is also a patient acts as staff; a token with none of the roles may do nothing. */
    public static Caller of(String subject, Set<String> roles, String patientIdClaim) {
        ActorType type;
        if (roles.contains(ROLE_STAFF)) {
            type = ActorType.STAFF;
        } else if (roles.contains(ROLE_SERVICE)) {
            type = ActorType.SERVICE;
        } else if (roles.contains(ROLE_PATIENT)) {
            type = ActorType.PATIENT;
        } else {
            type = ActorType.ACTOR_TYPE_UNSPECIFIED;
        }
        return new Caller(
                true,
                subject == null ? "" : subject,
                type,
                patientIdClaim == null ? "" : patientIdClaim,
                Set.copyOf(roles));
    }
}
