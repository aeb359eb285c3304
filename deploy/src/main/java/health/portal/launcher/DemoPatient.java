package health.portal.launcher;

/** The seeded demo patient of local runs: EMR patient demo-alex of the sandbox, with a portal account. */
final class DemoPatient {

    static final String PATIENT_ID = "demo-alex";
    static final String USERNAME = "alex";
    static final String PASSWORD = "Demo-portal-2026";

    record Credentials(String username, String password, String patientId) {
    }

    private DemoPatient() {
    }

    static Credentials enroll(LocalStack stack) {
        stack.keycloak().createPatientUser(USERNAME, PASSWORD, "alex.rivera@example.org", PATIENT_ID, "Alex", "Rivera");
        return new Credentials(USERNAME, PASSWORD, PATIENT_ID);
    }
}
