package health.portal.billing.statements;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Everything a statement's PDF shows, assembled in memory for one rendering: the statement's rows, the EMR's
 * descriptions of its charges and the patient's mailing address. Never stored.
 */
record StatementDocument(Statement statement, String accountName, List<Row> rows, Optional<MailAddress> address) {

    record Row(LocalDate date, String text, long effectMinor) {}
}
