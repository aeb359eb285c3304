package health.portal.messaging.records;

/**
 * records-service refused a request as wrong (INVALID_ARGUMENT, NOT_FOUND): retrying will not help. Carries the
 * status code only, never the request.
 */
public class RecordsRefusedException extends RuntimeException {

    private final String code;

    RecordsRefusedException(String code, Throwable cause) {
        super("records-service refused the request: " + code, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
