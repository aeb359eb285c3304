package health.portal.billing.accounts;

/** A guarantor account as the EMR keeps it (FHIR Account): its id, the patient, its name and its one currency. */
public record Account(String accountId, String patientId, String name, String currency, boolean active) {}
