package health.portal.identity.account;

/** The Keycloak side of a termination: PENDING until every user with the patient id is disabled, then DONE. */
enum SignOutState {
    PENDING,
    DONE
}
