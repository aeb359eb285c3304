package health.portal.launcher;

import health.portal.infra.smtp.SmtpServer;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The local run's mailbox: every mail the portal sends through GreenMail (the patients' notices, Keycloak's reset
 * mails) is listed in one file, recipient and subject, so that a person trying the portal sees what a patient would
 * get. The notices carry no health information by design; the file holds no more than their envelope.
 */
final class DemoMailbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoMailbox.class);

    private final SmtpServer smtp;
    private final Path file;
    private final Thread reader;
    private volatile boolean running = true;

    private DemoMailbox(SmtpServer smtp, Path file) {
        this.smtp = smtp;
        this.file = file;
        this.reader = Thread.ofPlatform().daemon().name("demo-mailbox").unstarted(this::copyNewMail);
    }

    static DemoMailbox start(SmtpServer smtp, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(
                    file,
                    "Mail sent by the local portal (GreenMail SMTP " + smtp.host() + ":" + smtp.port()
                            + "), newest last\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DemoMailbox mailbox = new DemoMailbox(smtp, file);
        mailbox.reader.start();
        return mailbox;
    }

    Path file() {
        return file;
    }

    private void copyNewMail() {
        int seen = 0;
        while (running) {
            List<MimeMessage> received = smtp.receivedMessages();
            for (MimeMessage message : received.subList(Math.min(seen, received.size()), received.size())) {
                append(message);
            }
            seen = Math.max(seen, received.size());
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void append(MimeMessage message) {
        try {
            String line = Instant.now() + "  to " + addresses(message.getAllRecipients()) + "  subject \""
                    + message.getSubject() + "\"\n";
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (MessagingException | IOException e) {
            log.warn("demo mailbox: a mail could not be listed: {}", e.getMessage());
        }
    }

    private static String addresses(Address[] addresses) {
        return addresses == null
                ? ""
                : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        running = false;
        reader.interrupt();
    }
}
