package health.portal.emr.adapter;

/** The EMR has no patient with this id. */
public class UnknownPatientException extends EmrException {

    public UnknownPatientException() {
        super("No such patient in the EMR");
    }
}
