package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.smtp.SmtpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The account's e-mails as the patient receives them through the realm's SMTP server (GreenMail here): the
 * "Forgot password?" link Keycloak sends, and the notice identity-service sends when Keycloak locks the account.
 * Mail is not a safe channel for health information: neither carries the patient id, the name or a clinical word.
 */
class AccountMailTest extends IdentityIntegrationTest {

    private static final SmtpServer SMTP = SmtpServer.shared();

    private static final Pattern RESET_LINK =
            Pattern.compile("(https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+)");

    /** Words that would tell something about the patient's health or care. */
    private static final List<String> CLINICAL_WORDS = List.of(
            "diagnos",
            "medicat",
            "prescri",
            "allerg",
            "immuni",
            "result",
            "condition",
            "treatment",
            "doctor",
            "record");

    @Test
    void forgotPasswordMailsALinkThatSetsANewPassword() throws Exception {
        Patient patient = enrollNewPatient("forgot");
        String address = patient.username() + "@example.org";
        int before = messagesTo(address).size();
        String chosen = "Battery-Staple-" + UUID.randomUUID().toString().substring(0, 6);

        BrowserSignIn.Result reset = BrowserSignIn.resetPassword(
                KEYCLOAK.issuerUri(),
                "portal-web",
                KEYCLOAK.clientSecret("portal-web"),
                REDIRECT,
                patient.username(),
                () -> resetLink(text(awaitMessageTo(address, before))),
                chosen);
        assertThat(reset.succeeded())
                .as("%s %s", reset.formId(), reset.message())
                .isTrue();

        MimeMessage mail = messagesTo(address).get(before);
        assertThat(mail.getFrom()[0].toString()).contains("no-reply@portal.health.invalid");
        assertThat(text(mail)).contains(KEYCLOAK.issuerUri() + "/login-actions/action-token");
        assertNoHealthInformation(mail, patient);

        assertThat(attemptSignIn(patient.username(), chosen).succeeded()).isTrue();
        assertThat(attemptSignIn(patient.username(), patient.password()).succeeded())
                .isFalse();
    }

    @Test
    void aLockedOutPatientIsToldByMailOnce() throws Exception {
        Patient patient = enrollNewPatient("lockout");
        String address = patient.username() + "@example.org";
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(attemptSignIn(patient.username(), "Wrong-Password-" + i)
                                .succeeded())
                        .isFalse();
            }
            awaitLocked(patient.userId());
            // reading the log imports Keycloak's events, the lockout among them, as the schedule would
            assertThat(get("/internal/staff/access-log?patientId=" + patient.patientId(), privacyOfficerToken())
                            .status())
                    .isEqualTo(200);
            MimeMessage notice = awaitMessageTo(address, 0);
            assertThat(notice.getSubject()).containsIgnoringCase("locked");
            assertThat(text(notice)).contains("wrong password").contains("Forgot password");
            assertNoHealthInformation(notice, patient);

            // the import reads events again (overlap) and on every log read: still one notice
            get("/internal/staff/access-log?patientId=" + patient.patientId(), privacyOfficerToken());
            Thread.sleep(2000);
            assertThat(messagesTo(address)).hasSize(1);
        } finally {
            realmAdmin().attackDetection().clearBruteForceForUser(patient.userId());
        }
    }

    private void assertNoHealthInformation(MimeMessage mail, Patient patient) throws Exception {
        String everything = (mail.getSubject() + "\n" + text(mail));
        UserRepresentation user = realmAdmin().users().get(patient.userId()).toRepresentation();
        assertThat(everything).doesNotContain(patient.patientId());
        for (String name : new String[] {user.getFirstName(), user.getLastName()}) {
            if (name != null && !name.isBlank()) {
                assertThat(everything).doesNotContain(name);
            }
        }
        String lower = everything.toLowerCase(Locale.ROOT);
        assertThat(CLINICAL_WORDS).noneMatch(lower::contains);
    }

    private static void awaitLocked(String userId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> status = realmAdmin().attackDetection().bruteForceUserStatus(userId);
            if (Boolean.TRUE.equals(status.get("disabled"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Keycloak did not lock " + userId);
    }

    private static List<MimeMessage> messagesTo(String address) {
        return SMTP.receivedMessages().stream()
                .filter(m -> {
                    try {
                        return m.getRecipients(Message.RecipientType.TO) != null
                                && m.getRecipients(Message.RecipientType.TO)[0]
                                        .toString()
                                        .equalsIgnoreCase(address);
                    } catch (Exception e) {
                        return false;
                    }
                })
                .toList();
    }

    /** The message after the first {@code already} ones to {@code address}, waiting up to a minute for it. */
    private static MimeMessage awaitMessageTo(String address, int already) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> messages = messagesTo(address);
            if (messages.size() > already) {
                return messages.get(already);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no mail to " + address);
    }

    /** Every text part of the message, decoded, as the mail program shows them. */
    private static String text(MimeMessage message) {
        try {
            return text(message.getContent());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(Object content) throws Exception {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                all.append(text(part.getContent())).append('\n');
            }
            return all.toString();
        }
        return "";
    }

    private static String resetLink(String mailText) {
        Matcher link = RESET_LINK.matcher(mailText);
        if (!link.find()) {
            throw new AssertionError("no reset link in the mail:\n" + mailText);
        }
        return link.group(1).replace("&amp;", "&");
    }
}
