package health.portal.identity.enrollment;

/**
 * Where an enrollment stands. PENDING: the intent is committed; a disabled Keycloak user may exist. RECORDED: the
 * enrollment transaction committed (code used, account, terms, access log, PatientEnrolled); the user may still be
 * disabled. COMPLETED: the user is enabled. UNDONE: nothing was recorded and the Keycloak user is gone.
 */
enum IntentState {
    PENDING,
    RECORDED,
    COMPLETED,
    UNDONE;

    /** Still has work left; holds its user ID. */
    boolean open() {
        return this == PENDING || this == RECORDED;
    }
}
