package health.portal.messaging.notices;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Sends the due notices, one per transaction: the row stays locked while its address is looked up and its mail sent,
 * so two senders never send the same notice. SMTP, identity-service or Keycloak away: the notice waits, backing
 * off, and is sent once they return. Logs name the notice and the event, never the address.
 */
@Component
class NoticeSender {

    private static final Logger log = LoggerFactory.getLogger(NoticeSender.class);
    private static final int BATCH = 50;

    private final Notices notices;
    private final ContactDirectory contacts;
    private final SurveyPreferences surveys;
    private final JavaMailSender mail;
    private final NoticeProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock = Clock.systemUTC();

    NoticeSender(
            Notices notices,
            ContactDirectory contacts,
            SurveyPreferences surveys,
            JavaMailSender mail,
            NoticeProperties properties,
            TransactionTemplate tx) {
        this.notices = notices;
        this.contacts = contacts;
        this.surveys = surveys;
        this.mail = mail;
        this.properties = properties;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${portal.notices.send-interval:2s}")
    void sendDue() {
        for (int i = 0; i < BATCH; i++) {
            Boolean handled = tx.execute(status -> notices.lockNextDue(clock.instant())
                    .map(notice -> {
                        attempt(notice);
                        notices.update(notice);
                        return notice.status().done();
                    })
                    .orElse(null));
            if (handled == null || !handled) {
                return; // nothing due, or an attempt failed: the rest waits for the next round
            }
        }
    }

    private void attempt(Notice notice) {
        Instant now = clock.instant();
        try {
            if (notice.kind() == NoticeKind.SURVEY && !surveys.acceptsSurveys(notice.patientId())) {
                notice.optedOut(now);
                return;
            }
            Optional<String> address = contacts.noticeAddress(notice.patientId());
            if (address.isEmpty()) {
                notice.noAddress(now);
                log.info(
                        "Notice {} (event {}) not sent: the patient has no notice address",
                        notice.id(),
                        notice.eventId());
                return;
            }
            NoticeTemplates.Mail text =
                    NoticeTemplates.withFooter(NoticeTemplates.of(notice.kind(), properties.portalUrl()));
            SimpleMailMessage message = new SimpleMailMessage();
            message.setFrom(properties.from());
            message.setTo(address.get());
            message.setSubject(text.subject());
            message.setText(text.text());
            mail.send(message);
            notice.sent(now);
        } catch (RuntimeException e) {
            notice.failed(e, now, properties.retryBackoff(), properties.maxRetryBackoff());
            // the exception's class only: SMTP and HTTP errors can quote the recipient
            log.warn(
                    "Notice {} (event {}) attempt {} failed ({}); next at {}",
                    notice.id(),
                    notice.eventId(),
                    notice.attempts(),
                    e.getClass().getName(),
                    notice.nextAttemptAt());
        }
    }
}
