package health.portal.messaging.notices;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.smtp.SmtpServer;
import health.portal.messaging.MessagingTestBase;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.AssignmentKind;
import health.portal.proto.events.v1.CareTeamMessageSent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.InformationKind;
import health.portal.proto.events.v1.NewInformationAvailable;
import health.portal.proto.events.v1.PatientMessageReceived;
import health.portal.proto.events.v1.QuestionnaireAssigned;
import health.portal.proto.events.v1.ResponseOverdue;
import health.portal.proto.events.v1.StatementDelivery;
import health.portal.proto.events.v1.StatementIssued;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Events on the real Kafka become e-mails through the real SMTP server (GreenMail), addressed with a real Keycloak
 * token of the messaging-service client, at most one per event, with fixed texts and nothing the events carry.
 */
@ExtendWith(OutputCaptureExtension.class)
class NoticesTest extends MessagingTestBase {

    static final String PORTAL_URL = "https://portal.example.test/app";

    @Autowired
    JavaMailSenderImpl mail;

    @Test
    void eachEventKindGivesExactlyOneFixedMailWithThePortalLinkEvenWhenDeliveredTwiceAndNothingTheEventCarried(
            CapturedOutput log) {
        String canary = "CANARY-" + UUID.randomUUID();
        String patient = patient();
        String otherPatient = patient(); // the patient who wrote: no mail about their own message
        List<EventEnvelope> events = List.of(
                envelope(
                        CareTeamMessageSent.newBuilder()
                                .setThreadId(canary)
                                .setMessageId(canary)
                                .setPatientId(patient)
                                .setNewThread(true)
                                .build(),
                        patient,
                        canary),
                envelope(
                        ResponseOverdue.newBuilder()
                                .setThreadId(canary)
                                .setPatientId(patient)
                                .setPracticeReference("Organization/" + canary)
                                .setDueAt(Envelopes.timestamp(Instant.now()))
                                .build(),
                        patient,
                        canary),
                envelope(
                        QuestionnaireAssigned.newBuilder()
                                .setAssignmentId(canary)
                                .setPatientId(patient)
                                .setKind(AssignmentKind.ASSIGNMENT_KIND_SURVEY)
                                .build(),
                        patient,
                        canary),
                envelope(
                        QuestionnaireAssigned.newBuilder()
                                .setAssignmentId(canary + "-lesson")
                                .setPatientId(patient)
                                .setKind(AssignmentKind.ASSIGNMENT_KIND_LESSON)
                                .build(),
                        patient,
                        canary),
                envelope(
                        PatientMessageReceived.newBuilder()
                                .setThreadId(canary)
                                .setMessageId(canary)
                                .setPatientId(otherPatient)
                                .setAssignedReference("Practitioner/" + canary)
                                .setUrgent(true)
                                .build(),
                        otherPatient,
                        canary));
        EventEnvelope newInformation = envelope(
                NewInformationAvailable.newBuilder()
                        .setPatientId(patient)
                        .setKind(InformationKind.INFORMATION_KIND_RESULT)
                        .build(),
                patient,
                canary);

        for (int delivery = 0; delivery < 2; delivery++) { // Kafka delivers at least once
            for (EventEnvelope event : events) {
                publish(Topics.MESSAGING_EVENTS, event);
            }
            publish(Topics.RECORDS_EVENTS, newInformation);
        }

        await(() -> mailsTo(patient).size() >= 5, "five notices to the patient");
        await(() -> pending() == 0, "every notice handled");
        sleep(Duration.ofSeconds(2)); // more rounds of the sender: still no second mail for any event
        List<MimeMessage> mails = mailsTo(patient);
        assertThat(mails)
                .extracting(NoticesTest::subject)
                .containsExactlyInAnyOrder(
                        "You have a new message",
                        "No answer yet: please call your clinic's office",
                        "You have a new survey",
                        "You have new education material",
                        "You have new information");
        for (MimeMessage mail : mails) {
            String text = raw(mail);
            assertThat(text).contains(PORTAL_URL).doesNotContain(canary).doesNotContain(patient);
        }
        assertThat(raw(mails.stream()
                        .filter(m -> subject(m).startsWith("No answer yet"))
                        .findFirst()
                        .orElseThrow()))
                .contains("Please call your clinic's office");
        assertThat(mailsTo(otherPatient)).isEmpty();
        assertThat(jdbc.queryForObject(
                        "select count(*) from notice where patient_id in (?, ?)", Integer.class, patient, otherPatient))
                .isEqualTo(5);
        // the service's log, without the test SMTP server's own (GreenMail logs each mailbox it creates)
        String serviceLog = log.getAll()
                .lines()
                .filter(line -> !line.contains("com.icegreen.greenmail"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(serviceLog).doesNotContain(canary).doesNotContain(contacts.address(patient));
        for (String column : List.of("event_id", "patient_id", "kind", "status", "last_error")) {
            assertThat(jdbc.queryForObject(
                            "select count(*) from notice where " + column + " like ?", Integer.class, "%CANARY%"))
                    .isZero();
        }
    }

    @Test
    void aPaperlessStatementGivesOneMailWithoutAmountEvenWhenDeliveredTwiceAndAMailedOneGivesNone() {
        String canary = "CANARY-" + UUID.randomUUID();
        String paperless = patient();
        String byMail = patient();
        EventEnvelope paperlessStatement = envelope(
                statement(paperless, canary, StatementDelivery.STATEMENT_DELIVERY_PAPERLESS), paperless, canary);
        EventEnvelope mailedStatement =
                envelope(statement(byMail, canary, StatementDelivery.STATEMENT_DELIVERY_MAIL), byMail, canary);

        for (int delivery = 0; delivery < 2; delivery++) { // Kafka delivers at least once
            publish(Topics.BILLING_EVENTS, paperlessStatement);
            publish(Topics.BILLING_EVENTS, mailedStatement);
        }

        await(() -> mailsTo(paperless).size() == 1, "the paperless statement's notice");
        await(() -> pending() == 0, "every notice handled");
        sleep(Duration.ofSeconds(2)); // more rounds of the sender: still no second mail, and none for the mailed one
        List<MimeMessage> mails = mailsTo(paperless);
        assertThat(mails).extracting(NoticesTest::subject).containsExactly("You have a new statement");
        assertThat(raw(mails.get(0)))
                .contains(PORTAL_URL)
                .doesNotContain(canary)
                .doesNotContain(paperless);
        // no amount in what the patient reads: no currency, no decimal figure
        assertThat(subject(mails.get(0)) + "\n" + body(mails.get(0)))
                .contains("new statement")
                .doesNotContainPattern("[$€£]|USD|\\d+[.,]\\d{2}\\b");
        assertThat(mailsTo(byMail)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from notice where patient_id = ?", Integer.class, paperless))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from notice where patient_id = ?", Integer.class, byMail))
                .isZero();
    }

    private static StatementIssued statement(String patientId, String canary, StatementDelivery delivery) {
        return StatementIssued.newBuilder()
                .setStatementId(canary + "-" + delivery)
                .setPatientId(patientId)
                .setAccountId("acct-" + canary)
                .setDelivery(delivery)
                .setPeriodEnd("2026-11-30")
                .build();
    }

    @Test
    void whileSmtpIsDownTheNoticeWaitsAndArrivesOnceWhenItReturns() throws Exception {
        String patient = patient();
        int smtpPort = mail.getPort();
        try (ServerSocket closed = new ServerSocket(0)) {
            mail.setPort(closed.getLocalPort()); // nothing answers SMTP there: the connection is never served
        }
        try {
            publish(
                    Topics.MESSAGING_EVENTS,
                    envelope(
                            CareTeamMessageSent.newBuilder()
                                    .setThreadId(UUID.randomUUID().toString())
                                    .setMessageId(UUID.randomUUID().toString())
                                    .setPatientId(patient)
                                    .build(),
                            patient,
                            null));
            await(() -> attempts(patient) >= 2, "two failed attempts while SMTP is down");
            assertThat(mailsTo(patient)).isEmpty();
        } finally {
            mail.setPort(smtpPort);
        }
        await(() -> mailsTo(patient).size() == 1, "the notice once SMTP is back");
        sleep(Duration.ofSeconds(1));
        assertThat(mailsTo(patient)).hasSize(1);
        assertThat(jdbc.queryForObject("select status from notice where patient_id = ?", String.class, patient))
                .isEqualTo("SENT");
    }

    @Test
    void whileIdentityServiceIsDownTheNoticeWaitsAndArrivesOnceWhenItReturns() {
        String patient = patient();
        contacts.down(true);
        try {
            publish(
                    Topics.RECORDS_EVENTS,
                    envelope(
                            NewInformationAvailable.newBuilder()
                                    .setPatientId(patient)
                                    .setKind(InformationKind.INFORMATION_KIND_APPOINTMENT)
                                    .build(),
                            patient,
                            null));
            await(() -> attempts(patient) >= 2, "two failed attempts while identity-service is down");
            assertThat(mailsTo(patient)).isEmpty();
        } finally {
            contacts.down(false);
        }
        await(() -> mailsTo(patient).size() == 1, "the notice once identity-service is back");
        sleep(Duration.ofSeconds(1));
        assertThat(mailsTo(patient)).extracting(NoticesTest::subject).containsExactly("You have new information");
    }

    @Test
    void aPatientWithoutAnAddressGetsNoMailAndTheNoticeIsNotRetried() {
        String patient = "pt-" + UUID.randomUUID(); // identity-service knows no address: 404
        publish(
                Topics.MESSAGING_EVENTS,
                envelope(
                        QuestionnaireAssigned.newBuilder()
                                .setAssignmentId(UUID.randomUUID().toString())
                                .setPatientId(patient)
                                .setKind(AssignmentKind.ASSIGNMENT_KIND_LESSON)
                                .build(),
                        patient,
                        null));
        await(
                () -> "NO_ADDRESS"
                        .equals(
                                jdbc
                                        .queryForList(
                                                "select status from notice where patient_id = ?", String.class, patient)
                                        .stream()
                                        .findFirst()
                                        .orElse(null)),
                "the notice given up for want of an address");
        assertThat(attempts(patient)).isEqualTo(1);
    }

    @Test
    void aPatientWhoTurnedSurveysOffGetsNoSurveyNoticeButStillTheLesson() {
        String patient = patient();
        // the questionnaires' own record of the patient's "no surveys"
        jdbc.update(
                "insert into survey_preference (patient_id, surveys, updated_at) values (?, false, now())", patient);
        for (AssignmentKind kind :
                List.of(AssignmentKind.ASSIGNMENT_KIND_SURVEY, AssignmentKind.ASSIGNMENT_KIND_LESSON)) {
            publish(
                    Topics.MESSAGING_EVENTS,
                    envelope(
                            QuestionnaireAssigned.newBuilder()
                                    .setAssignmentId(UUID.randomUUID().toString())
                                    .setPatientId(patient)
                                    .setKind(kind)
                                    .build(),
                            patient,
                            null));
        }

        await(() -> mailsTo(patient).size() == 1, "the lesson's notice");
        await(
                () -> jdbc.queryForObject(
                                "select count(*) from notice where patient_id = ? and status = 'OPTED_OUT'",
                                Integer.class,
                                patient)
                        == 1,
                "the survey notice dropped");
        sleep(Duration.ofSeconds(1));
        assertThat(mailsTo(patient))
                .extracting(NoticesTest::subject)
                .containsExactly("You have new education material");
    }

    private static String patient() {
        String patientId = "pt-" + UUID.randomUUID();
        contacts.add(patientId, "patient-" + UUID.randomUUID() + "@example.org");
        return patientId;
    }

    private int attempts(String patient) {
        return jdbc.queryForList("select attempts from notice where patient_id = ?", Integer.class, patient).stream()
                .findFirst()
                .orElse(0);
    }

    private int pending() {
        return jdbc.queryForObject("select count(*) from notice where status = 'PENDING'", Integer.class);
    }

    private static EventEnvelope envelope(Message payload, String patientId, String canary) {
        EventEnvelope envelope = Envelopes.wrap(payload, patientId, "messaging-service", canary, Instant.now());
        return canary == null
                ? envelope
                : envelope.toBuilder().setProducer(canary).build();
    }

    private static void publish(String topic, EventEnvelope envelope) {
        try (KafkaProducer<String, byte[]> writer = KafkaBroker.shared().writer()) {
            writer.send(new ProducerRecord<>(topic, envelope.getSubjectPatientId(), envelope.toByteArray()))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<MimeMessage> mailsTo(String patientId) {
        String address = addressOf(patientId);
        List<MimeMessage> mails = new ArrayList<>();
        for (MimeMessage message : SmtpServer.shared().receivedMessages()) {
            try {
                for (var recipient : message.getRecipients(RecipientType.TO)) {
                    if (recipient.toString().equals(address)) {
                        mails.add(message);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return mails;
    }

    private static String addressOf(String patientId) {
        return contacts.address(patientId);
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(MimeMessage message) {
        try {
            return message.getContent().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole message as sent: headers and body. */
    private static String raw(MimeMessage message) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            message.writeTo(out);
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
