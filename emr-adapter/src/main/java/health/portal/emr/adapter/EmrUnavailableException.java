package health.portal.emr.adapter;

/** The EMR could not be reached in time: connection refused, timeout, 5xx, or the circuit breaker is open. */
public class EmrUnavailableException extends EmrException {

    private final boolean circuitOpen;

    public EmrUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public EmrUnavailableException(String message, Throwable cause, boolean circuitOpen) {
        super(message, cause);
        this.circuitOpen = circuitOpen;
    }

    /** True when the call was refused locally because recent calls failed (no request was sent). */
    public boolean circuitOpen() {
        return circuitOpen;
    }
}
