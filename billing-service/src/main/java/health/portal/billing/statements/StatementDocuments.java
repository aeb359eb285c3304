package health.portal.billing.statements;

import health.portal.billing.accounts.Accounts;
import health.portal.billing.ledger.Ledger;
import health.portal.billing.ledger.Posting;
import health.portal.billing.records.RecordsClient;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.MailingAddress;
import org.springframework.stereotype.Component;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A statement's PDF, drawn on request from the statement's rows and what the EMR says about them now (the charges'
 * descriptions, the mailing address), in memory: the PDF is never stored outside the inner zone.
 */
@Component
public class StatementDocuments {

    private final Statements statements;
    private final Ledger ledger;
    private final Accounts accounts;
    private final RecordsClient records;

    StatementDocuments(Statements statements, Ledger ledger, Accounts accounts, RecordsClient records) {
        this.statements = statements;
        this.ledger = ledger;
        this.accounts = accounts;
        this.records = records;
    }

    public PrintedStatement print(Statement statement) {
        List<Posting> lines = linesOf(statement);
        Map<String, String> descriptions = descriptions(statement, lines);
        Optional<MailAddress> address =
                records.mailingAddress(statement.patientId()).map(StatementDocuments::address);
        String accountName =
                accounts.find(statement.accountId()).map(a -> a.name()).orElse("Account");
        List<StatementDocument.Row> rows = lines.stream()
                .map(p -> new StatementDocument.Row(p.postedOn(), textOf(p, descriptions), p.effect()))
                .toList();
        byte[] pdf = StatementPdf.render(new StatementDocument(statement, accountName, rows, address));
        return new PrintedStatement(statement, pdf, address);
    }

    private List<Posting> linesOf(Statement statement) {
        Set<UUID> ids = statements.postingIds(statement.statementId());
        return ledger.postings(statement.accountId()).stream()
                .filter(p -> ids.contains(p.postingId()))
                .sorted(Comparator.comparing(Posting::postedOn).thenComparing(Posting::externalId))
                .toList();
    }

    private Map<String, String> descriptions(Statement statement, List<Posting> lines) {
        List<String> chargeItemIds = lines.stream()
                .map(Posting::chargeItemId)
                .filter(id -> id != null && !id.isBlank())
                .distinct()
                .sorted()
                .toList();
        if (chargeItemIds.isEmpty()) {
            return Map.of();
        }
        return records.charges(statement.patientId(), statement.accountId(), chargeItemIds).stream()
                .collect(Collectors.toMap(Charge::getChargeItemId, Charge::getDescription, (a, b) -> a));
    }

    private static String textOf(Posting posting, Map<String, String> descriptions) {
        return switch (posting.kind()) {
            case CHARGE -> {
                String description = descriptions.get(posting.chargeItemId());
                yield description == null || description.isBlank() ? "Charge" : description;
            }
            case PAYMENT -> "Payment - thank you";
            case CREDIT_ADJUSTMENT -> "Adjustment (credit)";
            case DEBIT_ADJUSTMENT -> "Adjustment (debit)";
        };
    }

    private static MailAddress address(MailingAddress a) {
        return new MailAddress(
                a.getName(),
                List.copyOf(a.getLinesList()),
                a.getCity(),
                a.getState(),
                a.getPostalCode(),
                a.getCountry());
    }
}
