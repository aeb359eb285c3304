package health.portal.billing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Signing up enrolls the patient in paperless billing, once per event, and never over a later opt-out. */
class EnrollmentTest extends BillingTestBase {

    @Test
    void patientEnrolledOnKafkaEnrollsInPaperlessExactlyOnceWhenDeliveredTwice() throws Exception {
        String patient = newPatient();
        byte[] enrolled = enrollmentRecord(patient);

        publishIdentityRecord(patient, enrolled);
        publishIdentityRecord(patient, enrolled); // Kafka delivers at least once: the same event again

        await("the enrollment", () -> changes(patient) > 0);
        await("both deliveries consumed", () -> inboxMarks() > 0);
        Thread.sleep(1_000); // a second handling, if it happened, would be committed by now
        assertThat(changes(patient)).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "select changed_by from paperless_change where patient_id = ?", String.class, patient))
                .isEqualTo("ENROLLMENT");

        Answer paperless = get("/api/billing/paperless", tokens.patient(patient));
        assertThat(paperless.status()).isEqualTo(200);
        assertThat(paperless.json().get("paperless").asBoolean()).isTrue();
        assertThat(paperless.json().get("changedBy").asString()).isEqualTo("ENROLLMENT");
    }

    @Test
    void aLaterEnrollmentEventDoesNotOverrideAnOptOut() throws Exception {
        String patient = newPatient();
        publishIdentityRecord(patient, enrollmentRecord(patient));
        await("the enrollment", () -> changes(patient) == 1);

        assertThat(setPaperless(patient, false, "203.0.113.9").status()).isEqualTo(200);
        // identity-service publishes another enrollment of the same patient (a new event id): nothing changes
        byte[] again = enrollmentRecord(patient);
        publishIdentityRecord(patient, again);
        String eventId =
                health.portal.proto.events.v1.EventEnvelope.parseFrom(again).getEventId();
        await(
                "the second enrollment consumed",
                () -> jdbc.queryForObject(
                                "select count(*) from inbox_processed_event where event_id = ?", Integer.class, eventId)
                        == 1);

        Answer paperless = get("/api/billing/paperless", tokens.patient(patient));
        assertThat(paperless.json().get("paperless").asBoolean()).isFalse();
        assertThat(paperless.json().get("changedBy").asString()).isEqualTo("PATIENT");
        assertThat(changes(patient)).isEqualTo(2);
    }

    @Test
    void anOptOutBeforeTheEnrollmentEventArrivesIsKept() throws Exception {
        String patient = newPatient();
        assertThat(setPaperless(patient, false, null).status()).isEqualTo(200);
        byte[] late = enrollmentRecord(patient);
        publishIdentityRecord(patient, late);
        String eventId =
                health.portal.proto.events.v1.EventEnvelope.parseFrom(late).getEventId();
        await(
                "the enrollment consumed",
                () -> jdbc.queryForObject(
                                "select count(*) from inbox_processed_event where event_id = ?", Integer.class, eventId)
                        == 1);

        assertThat(get("/api/billing/paperless", tokens.patient(patient))
                        .json()
                        .get("paperless")
                        .asBoolean())
                .isFalse();
    }

    private int changes(String patient) {
        return jdbc.queryForObject(
                "select count(*) from paperless_change where patient_id = ?", Integer.class, patient);
    }

    private int inboxMarks() {
        return jdbc.queryForObject(
                "select count(*) from inbox_processed_event where consumer = 'billing-service.paperless'",
                Integer.class);
    }
}
