package health.portal.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import health.portal.infra.process.FreePorts;
import health.portal.infra.smtp.SmtpServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The local run's mailbox file lists every mail that reached the run's SMTP server, recipient and subject. */
class DemoMailboxTest {

    @Test
    void everyMailSentThroughTheRunsSmtpServerIsListed(@TempDir Path logs) {
        int port = FreePorts.find();
        try (SmtpServer smtp = SmtpServer.start(port);
                DemoMailbox mailbox = DemoMailbox.start(smtp, logs.resolve("mailbox.txt"))) {
            ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
            GreenMailUtil.sendTextEmail(
                    "alex.rivera@example.org",
                    "no-reply@portal.localhost",
                    "You have a new message",
                    "See the portal",
                    setup);
            GreenMailUtil.sendTextEmail(
                    "sam@example.org", "no-reply@portal.localhost", "A survey is waiting", "See the portal", setup);

            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Files.readString(mailbox.file()))
                            .contains("to alex.rivera@example.org  subject \"You have a new message\"")
                            .contains("to sam@example.org  subject \"A survey is waiting\""));
        }
    }
}
