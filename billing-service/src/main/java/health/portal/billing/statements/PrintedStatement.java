package health.portal.billing.statements;

import java.util.Optional;

/** A statement drawn as PDF, with the address it was drawn with (none when the EMR knows none). */
public record PrintedStatement(Statement statement, byte[] pdf, Optional<MailAddress> address) {}
