package health.portal.identity.contacts;

import health.portal.platform.problem.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Contacts (internal)")
class ContactsController {

    private final PatientContacts contacts;

    ContactsController(PatientContacts contacts) {
        this.contacts = contacts;
    }

    record Contact(String email) {}

    @GetMapping("/internal/contacts/{patientId}")
    @Operation(
            summary = "Where the notices to a patient go (messaging-service's service account only)",
            description = "The personal e-mail address of the patient's portal user; 404 when the patient has none or "
                    + "their access was ended. Every lookup is recorded in the patient's access log.")
    Contact contact(@PathVariable String patientId, @AuthenticationPrincipal Jwt jwt) {
        return contacts.noticeAddress(patientId, jwt.getClaimAsString("azp"))
                .map(Contact::new)
                .orElseThrow(() -> Problems.exception(
                        HttpStatus.NOT_FOUND,
                        "no-contact",
                        "No notice address",
                        "This patient has no active portal account with an e-mail address."));
    }
}
