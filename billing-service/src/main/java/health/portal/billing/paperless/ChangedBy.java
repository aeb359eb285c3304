package health.portal.billing.paperless;

/** Who set the patient's current preference. */
public enum ChangedBy {
    PATIENT,
    /** Signing up for the portal enrolled the patient in paperless billing. */
    ENROLLMENT,
    STAFF
}
