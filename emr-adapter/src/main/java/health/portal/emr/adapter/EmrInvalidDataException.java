package health.portal.emr.adapter;

/** The EMR answered, but not with valid FHIR (unparseable body, not FHIR at all, or the wrong resource). */
public class EmrInvalidDataException extends EmrException {

    public EmrInvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }

    public EmrInvalidDataException(String message) {
        super(message);
    }
}
