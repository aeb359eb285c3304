package health.portal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.proto.events.v1.ActorType;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

import java.util.List;
import java.util.Map;

/** The one reading of a token: the same claims give the same caller in every service. */
class CallerTest {

    private static Map<String, Object> claims(List<String> roles, String patientId) {
        Map<String, Object> claims = new java.util.HashMap<>();
        claims.put("sub", "user-1");
        claims.put("realm_access", Map.of("roles", roles));
        claims.put("preferred_username", "alex");
        claims.put("given_name", "Alex");
        claims.put("family_name", "Rivera");
        if (patientId != null) {
            claims.put("patient_id", patientId);
        }
        return claims;
    }

    @Test
    void aPatientIsThePatientOfTheTokensClaim() {
        Caller caller = Caller.fromClaims(claims(List.of("patient", "offline_access"), "demo-alex"));
        assertThat(caller.actorType()).isEqualTo(ActorType.PATIENT);
        assertThat(caller.patientId()).isEqualTo("demo-alex");
        assertThat(caller.isPatient()).isTrue();
        assertThat(caller.requirePatientId()).isEqualTo("demo-alex");
        assertThat(caller.subject()).isEqualTo("user-1");
        assertThat(caller.username()).isEqualTo("alex");
        assertThat(caller.name()).isEqualTo("Alex Rivera");
        assertThat(caller.roles()).containsExactlyInAnyOrder("patient", "offline_access");
    }

    /** A staff sign-in: the staff client, and a one-time code among the authentication methods. */
    private static Map<String, Object> staffSignIn(List<String> roles, String patientId, List<String> amr) {
        Map<String, Object> claims = claims(roles, patientId);
        claims.put("azp", Caller.STAFF_CLIENT);
        claims.put("amr", amr);
        return claims;
    }

    @Test
    void staffComesFirstThenServiceThenPatient() {
        assertThat(Caller.fromClaims(staffSignIn(List.of("patient", "clinician"), "demo-alex", List.of("pwd", "otp")))
                        .actorType())
                .isEqualTo(ActorType.STAFF);
        assertThat(Caller.fromClaims(claims(List.of("records-service", "patient"), null))
                        .actorType())
                .isEqualTo(ActorType.SERVICE);
        assertThat(Caller.fromClaims(claims(List.of("offline_access"), "demo-alex"))
                        .actorType())
                .isEqualTo(ActorType.ACTOR_TYPE_UNSPECIFIED);
        assertThat(Caller.fromClaims(Map.of("sub", "x")).actorType()).isEqualTo(ActorType.ACTOR_TYPE_UNSPECIFIED);
    }

    @Test
    void aStaffRoleWithoutTheStaffSignInGivesNoStaffAuthority() {
        // a clinician who is also a patient, signed in to the patient portal: a patient there
        Caller inThePortal = Caller.fromClaims(claims(List.of("patient", "clinician"), "demo-alex"));
        assertThat(inThePortal.actorType()).isEqualTo(ActorType.PATIENT);
        assertThat(inThePortal.effectiveRoles()).containsExactly("patient");
        // the staff client, but no one-time code
        Caller passwordOnly = Caller.fromClaims(staffSignIn(List.of("front-desk"), null, List.of("pwd")));
        assertThat(passwordOnly.actorType()).isEqualTo(ActorType.ACTOR_TYPE_UNSPECIFIED);
        assertThat(passwordOnly.effectiveRoles()).isEmpty();
        // a one-time code, but another client
        Map<String, Object> otherClient = staffSignIn(List.of("front-desk"), null, List.of("pwd", "otp"));
        otherClient.put("azp", "portal-web");
        assertThat(Caller.fromClaims(otherClient).actorType()).isEqualTo(ActorType.ACTOR_TYPE_UNSPECIFIED);
        // the real thing
        Caller staff = Caller.fromClaims(staffSignIn(List.of("front-desk"), null, List.of("pwd", "otp")));
        assertThat(staff.actorType()).isEqualTo(ActorType.STAFF);
        assertThat(staff.effectiveRoles()).containsExactly("front-desk");
        // the billing office is staff like the others: in the patient portal its role is gone
        Caller billingInThePortal =
                Caller.fromClaims(claims(List.of("patient", Caller.ROLE_BILLING_OFFICE), "demo-alex"));
        assertThat(billingInThePortal.effectiveRoles()).containsExactly("patient");
        Caller billingOffice = Caller.fromClaims(staffSignIn(List.of("billing-office"), null, List.of("pwd", "otp")));
        assertThat(billingOffice.actorType()).isEqualTo(ActorType.STAFF);
    }

    @Test
    void aPatientIdWithoutThePatientRoleMakesNoPatient() {
        Caller caller = Caller.fromClaims(claims(List.of("offline_access"), "demo-alex"));
        assertThat(caller.isPatient()).isFalse();
        assertThat(caller.authenticated()).isTrue();
    }

    @Test
    void anAccountWithoutPatientIsRefusedItsOwnRecordAsAProblem() {
        Caller staff = Caller.fromClaims(staffSignIn(List.of("front-desk"), null, List.of("pwd", "otp")));
        assertThatThrownBy(staff::requirePatientId).isInstanceOfSatisfying(ErrorResponseException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(403);
            assertThat(e.getBody().getType()).hasToString("https://portal.health/problems/no-patient");
        });
    }

    @Test
    void anonymousIsNotAuthenticated() {
        assertThat(Caller.anonymous().authenticated()).isFalse();
        assertThat(Caller.anonymous().patientId()).isEmpty();
    }
}
