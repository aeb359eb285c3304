package health.portal.billing.paperless;

/**
 * The patient's delivery preference changed (published in the changing transaction, to listeners in this process):
 * paper mail stops queueing statements of a patient back on paperless.
 */
public record PaperlessChanged(String patientId, Delivery delivery) {}
