package health.portal.emr.adapter;

/**
 * Told when the EMR answered a patient's search with resources that belong to someone else. Those resources never
 * leave the adapter; the listener audits and alerts (records-service), since an EMR that ignores or mangles the patient
 * filter is an incident whether or not this call leaked anything.
 */
@FunctionalInterface
public interface ForeignResourceListener {

    ForeignResourceListener NONE = (patientId, resourceType, count) -> {};

    /**
     * @param patientId    the patient the search was for
     * @param resourceType the FHIR type of the dropped resources
     * @param count        how many were dropped on this search
     */
    void dropped(String patientId, String resourceType, int count);
}
