package health.portal.records;

import health.portal.emr.sandbox.EmrSandbox;

/** One EMR sandbox for all test classes of this JVM (loading Synthea data takes a few seconds). */
public final class SharedSandbox {

    private static volatile EmrSandbox sandbox;

    private SharedSandbox() {}

    public static EmrSandbox get() {
        if (sandbox == null) {
            synchronized (SharedSandbox.class) {
                if (sandbox == null) {
                    EmrSandbox started = EmrSandbox.start(EmrSandbox.Options.defaults());
                    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "emr-sandbox-stop"));
                    sandbox = started;
                }
            }
        }
        return sandbox;
    }
}
