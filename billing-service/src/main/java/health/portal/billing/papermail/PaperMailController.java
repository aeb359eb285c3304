package health.portal.billing.papermail;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The billing office sends the queued paper statements to the vendor now (the scheduler does it daily). */
@RestController
class PaperMailController {

    private final PaperMailExport export;

    PaperMailController(PaperMailExport export) {
        this.export = export;
    }

    @PostMapping("/internal/staff/billing/paper-mail/exports")
    PaperMailExport.Batch export() {
        return export.export();
    }
}
