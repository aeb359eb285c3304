package health.portal.infra.smtp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import health.portal.infra.process.FreePorts;
import jakarta.mail.internet.MimeMessage;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A real SMTP server (GreenMail) that keeps every message it receives, for tests and local runs. */
public final class SmtpServer implements AutoCloseable {

    private static volatile SmtpServer shared;

    private final GreenMail greenMail;
    private final int port;

    private SmtpServer(int port) {
        this.port = port;
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    public static SmtpServer shared() {
        if (shared == null) {
            synchronized (SmtpServer.class) {
                if (shared == null) {
                    SmtpServer created = new SmtpServer(FreePorts.find());
                    Runtime.getRuntime().addShutdownHook(new Thread(created::close, "smtp-stop"));
                    shared = created;
                }
            }
        }
        return shared;
    }

    public static SmtpServer start(int port) {
        return new SmtpServer(port);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public List<MimeMessage> receivedMessages() {
        return List.of(greenMail.getReceivedMessages());
    }

    /** Waits until at least {@code count} messages arrived in total; false on timeout. */
    public boolean awaitMessages(int count, long timeoutMillis) {
        return greenMail.waitForIncomingEmail(timeoutMillis, count);
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public void close() {
        greenMail.stop();
    }

    /** Runs SMTP as its own process: {@code SmtpServer [port]} (default 3025). */
    public static void main(String[] args) throws InterruptedException {
        SmtpServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 3025);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("SMTP (GreenMail) ready at " + server.host() + ":" + server.port());
        stopped.await();
    }
}
