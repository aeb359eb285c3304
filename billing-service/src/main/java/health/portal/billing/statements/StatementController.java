package health.portal.billing.statements;

import health.portal.billing.audit.Actor;
import health.portal.billing.audit.AuditTrail;
import health.portal.platform.problem.Problems;
import health.portal.platform.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** The patient's own statements and their PDFs; anyone else's statement does not exist for them (404). */
@RestController
class StatementController {

    private final Statements statements;
    private final StatementDocuments documents;
    private final AuditTrail audit;

    StatementController(Statements statements, StatementDocuments documents, AuditTrail audit) {
        this.statements = statements;
        this.documents = documents;
        this.audit = audit;
    }

    @GetMapping("/api/billing/statements")
    List<StatementView> list(@AuthenticationPrincipal Jwt jwt) {
        return statements.ofPatient(Caller.of(jwt).requirePatientId()).stream()
                .map(StatementView::of)
                .toList();
    }

    @GetMapping("/api/billing/statements/{statementId}/pdf")
    ResponseEntity<byte[]> pdf(
            @AuthenticationPrincipal Jwt jwt, @PathVariable String statementId, HttpServletRequest request) {
        String patientId = Caller.of(jwt).requirePatientId();
        Statement statement =
                statements.ofPatient(patientId, uuid(statementId)).orElseThrow(StatementController::notFound);
        PrintedStatement printed = documents.print(statement);
        audit.record(
                Actor.of(jwt, request),
                patientId,
                "billing.statement.downloaded",
                "billing.statement",
                "statement " + statement.statementId());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("statement-" + statement.periodEnd() + ".pdf")
                                .build()
                                .toString())
                .cacheControl(CacheControl.noStore())
                .body(printed.pdf());
    }

    private static UUID uuid(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw notFound();
        }
    }

    static ErrorResponseException notFound() {
        return Problems.exception(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found", "There is no such statement.");
    }
}
