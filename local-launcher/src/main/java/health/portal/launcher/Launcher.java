package health.portal.launcher;

import health.portal.infra.process.InfrastructureSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the whole portal on this machine and keeps it running until Ctrl-C:
 * {@code ./mvnw -Plocal package} builds everything and runs this.
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        Path root = InfrastructureSettings.projectRoot().orElse(Path.of("."));
        Path logs = root.resolve("logs");
        int patients =
                Integer.parseInt(InfrastructureSettings.env("SANDBOX_PATIENTS").orElse("10"));
        System.out.println("Starting the patient portal; logs in " + logs.toAbsolutePath());
        long begin = System.nanoTime();
        LocalPortal stack = LocalPortal.start(PortPlan.fixed(), logs, patients);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Stopping the patient portal...");
                            stack.close();
                            stopped.countDown();
                        },
                        "portal-stop"));
        DemoPatient.Credentials demo = DemoPatient.enroll(stack);
        DemoBilling.lastMonthsStatements(stack);
        long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
        System.out.printf(
                """

                ================================================================
                 Patient portal is up (%d s).
                 Open:      %s   (self-signed certificate for local runs)
                 Sign in:   user %s   password %s   (patient %s)
                 Keycloak:  %s   (admin / admin)
                 Operator:  %s/maintenance   (user %s   password %s)
                 Mail:      %s   (notices and Keycloak mail, SMTP 127.0.0.1:%d)
                 Paper:     %s   (paper-mail batches for the mail vendor)
                 Billing:   client %s   secret %s   (the billing system's postings, billing-service/API.md)
                 Logs:      %s
                 Stop:      Ctrl-C
                ================================================================
                %n""",
                seconds,
                stack.gatewayUrl(),
                demo.username(),
                demo.password(),
                demo.patientId(),
                stack.keycloak().baseUrl(),
                stack.gatewayManagementUrl(),
                stack.operatorUsername(),
                stack.operatorPassword(),
                stack.mailbox().toAbsolutePath(),
                stack.ports().smtp(),
                stack.paperMailFolder().toAbsolutePath(),
                stack.billingSystemClientId(),
                stack.billingSystemClientSecret(),
                logs.toAbsolutePath());
        stopped.await();
    }
}
