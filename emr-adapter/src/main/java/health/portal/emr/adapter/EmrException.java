package health.portal.emr.adapter;

/** Base of the adapter's typed failures; messages never carry clinical content. */
public class EmrException extends RuntimeException {

    public EmrException(String message) {
        super(message);
    }

    public EmrException(String message, Throwable cause) {
        super(message, cause);
    }
}
