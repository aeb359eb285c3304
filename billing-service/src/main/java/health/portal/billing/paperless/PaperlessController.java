package health.portal.billing.paperless;

import health.portal.billing.audit.Actor;
import health.portal.platform.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Billing Summary, View Account, Paperless Billing, Update: the patient's own preference. */
@RestController
class PaperlessController {

    record PaperlessUpdate(@NotNull Boolean paperless) {}

    private final Paperless paperless;

    PaperlessController(Paperless paperless) {
        this.paperless = paperless;
    }

    @GetMapping("/api/billing/paperless")
    PaperlessView get(@AuthenticationPrincipal Jwt jwt) {
        return PaperlessView.of(paperless.current(Caller.of(jwt).requirePatientId()));
    }

    @PutMapping("/api/billing/paperless")
    PaperlessView update(
            @AuthenticationPrincipal Jwt jwt, @Valid @RequestBody PaperlessUpdate update, HttpServletRequest request) {
        String patientId = Caller.of(jwt).requirePatientId();
        Delivery wanted = update.paperless() ? Delivery.PAPERLESS : Delivery.MAIL;
        return PaperlessView.of(paperless.update(patientId, wanted, ChangedBy.PATIENT, Actor.of(jwt, request)));
    }
}
