package health.portal.billing.statements;

/** Where a statement run is. */
public enum RunStatus {
    RUNNING,
    /** Some accounts could not be reached (the EMR was away): the next run, or the retry, resumes them. */
    PENDING,
    COMPLETED
}
