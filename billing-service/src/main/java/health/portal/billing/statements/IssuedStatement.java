package health.portal.billing.statements;

import health.portal.billing.paperless.Delivery;

import java.util.UUID;

/**
 * A statement was issued (published in the issuing transaction, to listeners in this process): paper mail queues the
 * MAIL ones in the same transaction.
 */
public record IssuedStatement(UUID statementId, String patientId, Delivery delivery) {}
