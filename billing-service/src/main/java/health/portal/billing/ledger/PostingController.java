package health.portal.billing.ledger;

import health.portal.billing.accounts.Accounts;
import health.portal.billing.money.Amounts;
import health.portal.platform.problem.Problems;
import health.portal.proto.FhirIds;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.LocalDate;

/** The hospital's billing system posts charges, payments and adjustments; idempotent by its external id. */
@RestController
class PostingController {

    record PostingRequest(
            @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9:/._\\-]+")
            String externalId,

            @NotBlank @Pattern(regexp = FhirIds.PATTERN) String accountId,
            @NotNull PostingKind kind,
            @NotBlank @Size(max = 32) String amount,
            @NotBlank @Size(min = 3, max = 3) String currency,
            @NotNull LocalDate postedOn,
            @Pattern(regexp = FhirIds.PATTERN) String chargeItemId) {}

    private final Ledger ledger;
    private final Accounts accounts;

    PostingController(Ledger ledger, Accounts accounts) {
        this.ledger = ledger;
        this.accounts = accounts;
    }

    @PostMapping("/internal/billing/postings")
    ResponseEntity<PostingView> post(@Valid @RequestBody PostingRequest request) {
        if (request.kind() == PostingKind.CHARGE && request.chargeItemId() == null) {
            throw Problems.field("chargeItemId", "A charge names the EMR ChargeItem it is for.");
        }
        String currency = accounts.find(request.accountId())
                .orElseThrow(Ledger::unknownAccount)
                .currency();
        long amountMinor = Amounts.parse(request.amount(), request.currency(), currency);
        Ledger.Recorded recorded = ledger.post(new NewPosting(
                request.externalId(),
                request.accountId(),
                request.kind(),
                amountMinor,
                request.currency(),
                request.postedOn(),
                request.postedOn(),
                request.chargeItemId()));
        return ResponseEntity.status(recorded.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(PostingView.of(recorded.posting()));
    }
}
