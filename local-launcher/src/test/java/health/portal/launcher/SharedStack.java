package health.portal.launcher;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One running portal for all end-to-end tests of a run (failsafe runs them one class after another in one JVM): a
 * start costs about a minute, three of them were a tenth of the suite. The first class started it, with the two demo
 * patients enrolled and the demo's month-end statement run done, as after {@code ./mvnw -Plocal package}; JUnit
 * closes it when the run ends. Each test class keeps to its own staff users, threads and periods, so that their order
 * does not matter.
 */
final class SharedStack implements BeforeAllCallback {

    record Running(LocalPortal portal, DemoPatient.Credentials alex, DemoPatient.Credentials sam)
            implements AutoCloseable {

        /** A new access token of demo patient Alex, signed in as the mobile app signs in. */
        String signInAlex() {
            return StackCalls.signIn(portal, alex.username(), alex.password());
        }

        /** The same for Sam, the second patient (the one whose data Alex must never see). */
        String signInSam() {
            return StackCalls.signIn(portal, sam.username(), sam.password());
        }

        @Override
        public void close() {
            portal.close();
        }
    }

    /**
     * The tests are one client at one address doing in minutes what many patients do in a day (polling included): the
     * gateway's limits per user, address and sign-in would stop the later classes. The limits are proven by the
     * gateway's own tests.
     */
    private static final LocalPortal.Tuning ONE_CLIENT_FOR_MANY = new LocalPortal.Tuning(
            List.of(),
            Map.of(
                    "gateway",
                    List.of(
                            "--gateway.rate-limit.per-user=100000",
                            "--gateway.rate-limit.per-address=100000",
                            "--gateway.rate-limit.sign-in=10000")));

    private static volatile Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot()
                .getStore(ExtensionContext.Namespace.create(SharedStack.class))
                .getOrComputeIfAbsent(Running.class, type -> start(), Running.class);
    }

    static Running running() {
        if (running == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedStack.class)");
        }
        return running;
    }

    private static Running start() {
        LocalPortal portal = LocalPortal.start(PortPlan.free(), Path.of("target", "e2e-logs"), 10, ONE_CLIENT_FOR_MANY);
        try {
            DemoPatient.Credentials alex = DemoPatient.enroll(portal);
            DemoPatient.Credentials sam = DemoPatient.enroll(portal, DemoPatient.SAM);
            DemoBilling.lastMonthsStatements(portal);
            return new Running(portal, alex, sam);
        } catch (RuntimeException e) {
            portal.close();
            throw e;
        }
    }
}
