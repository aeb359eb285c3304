package health.portal.identity.enrollment;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * What a patient types to enroll. The password is checked by Keycloak's password policy (the realm is the single
 * source of that rule); its refusals come back as field errors on {@code password}.
 */
public record EnrollmentRequest(
        @NotBlank @Size(max = 40) String activationCode,

        @NotBlank @Pattern(regexp = "^\\d{4}-\\d{2}-\\d{2}$", message = "must be a date like 1980-04-30")
        String dateOfBirth,

        @NotBlank
        @Size(min = 3, max = 64)
        @Pattern(
                regexp = "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                message = "may contain letters, digits, '.', '_' and '-' and must start with a letter or digit")
        String username,

        @NotBlank @Size(max = 128) String password,
        @NotBlank @Email @Size(max = 254) String email,
        @NotBlank @Size(max = 32) String termsVersion,

        @AssertTrue(message = "the terms of use must be accepted")
        boolean acceptTerms) {

    @Override
    public String toString() {
        // never log the code or the password
        return "EnrollmentRequest[username=" + username + "]";
    }
}
