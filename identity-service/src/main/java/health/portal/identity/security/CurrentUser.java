package health.portal.identity.security;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.ErrorResponseException;

/** The signed-in user as the token describes them; the patient id always comes from the token. */
public record CurrentUser(String userId, String username, String name, String patientId) {

    public static CurrentUser of(Jwt jwt) {
        String name = jwt.getClaimAsString("name");
        if (name == null) {
            String given = jwt.getClaimAsString("given_name");
            String family = jwt.getClaimAsString("family_name");
            name = given == null && family == null
                    ? null
                    : ((given == null ? "" : given) + " " + (family == null ? "" : family)).trim();
        }
        return new CurrentUser(
                jwt.getSubject(), jwt.getClaimAsString("preferred_username"), name, jwt.getClaimAsString("patient_id"));
    }

    public String requirePatientId() {
        if (patientId == null || patientId.isBlank()) {
            throw noPatient();
        }
        return patientId;
    }

    private static ErrorResponseException noPatient() {
        return health.portal.identity.web.Problems.of(
                HttpStatus.FORBIDDEN,
                "no-patient",
                "No patient record",
                "This account is not linked to a patient record.");
    }
}
