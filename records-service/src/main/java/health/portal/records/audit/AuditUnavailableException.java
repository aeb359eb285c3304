package health.portal.records.audit;

/** The audit record could not be written; the access it describes must not go ahead. */
public class AuditUnavailableException extends RuntimeException {

    public AuditUnavailableException(Throwable cause) {
        super("Audit trail unavailable", cause);
    }
}
