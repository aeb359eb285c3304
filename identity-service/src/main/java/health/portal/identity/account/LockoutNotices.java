package health.portal.identity.account;

import health.portal.identity.accesslog.AccountLockedOut;
import health.portal.identity.keycloak.KeycloakAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Tells the patient by e-mail that their account was locked after failed sign-ins: Keycloak 26 locks and records the
 * event but sends no mail itself. The notice says what happened and what to do, and nothing else: e-mail is not a
 * safe place for anything about the patient's health, not even their patient id or name.
 */
@Component
class LockoutNotices {

    static final String SUBJECT = "Your Patient Portal account was locked";

    private static final Logger log = LoggerFactory.getLogger(LockoutNotices.class);

    private final KeycloakAccounts keycloak;
    private final JavaMailSender mail;
    private final String from;

    LockoutNotices(KeycloakAccounts keycloak, JavaMailSender mail, @Value("${portal.notices.from}") String from) {
        this.keycloak = keycloak;
        this.mail = mail;
        this.from = from;
    }

    @EventListener
    void onLockout(AccountLockedOut lockout) {
        Optional<String> address;
        try {
            address = keycloak.email(lockout.userId());
        } catch (RuntimeException e) {
            log.warn("No lockout notice for user {}: Keycloak did not answer ({})", lockout.userId(), e.toString());
            return;
        }
        if (address.isEmpty()) {
            return;
        }
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(address.get());
        message.setSubject(SUBJECT);
        message.setText(lockout.permanent() ? permanentText() : temporaryText());
        try {
            mail.send(message);
        } catch (MailException e) {
            // the lockout is in the access log either way; a lost notice must not stop the event import
            log.warn("Lockout notice for user {} not sent: {}", lockout.userId(), e.toString());
        }
    }

    private static String temporaryText() {
        return """
                Several sign-in attempts with a wrong password were made to your Patient Portal account, so it \
                is locked for a few minutes.

                If that was you, wait a little and sign in again, or choose "Forgot password?" on the sign-in page.
                If it was not you, change your password as soon as you can sign in again.

                This message was sent automatically; please do not reply.
                """;
    }

    private static String permanentText() {
        return """
                Too many sign-in attempts with a wrong password were made to your Patient Portal account, so it \
                is locked until the clinic's staff unlock it.

                Please contact the front desk to have it unlocked.

                This message was sent automatically; please do not reply.
                """;
    }
}
