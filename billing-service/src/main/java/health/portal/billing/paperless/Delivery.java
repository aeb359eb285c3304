package health.portal.billing.paperless;

/** How the patient's statements reach them. */
public enum Delivery {
    /** In the portal, with an e-mail notice that says nothing of the bill. */
    PAPERLESS,
    /** Printed and mailed by the mail vendor. */
    MAIL
}
