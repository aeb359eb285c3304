package health.portal.launcher;

import java.util.List;
import java.util.Map;

/**
 * One service of the portal as the launcher runs it: its module (where the runnable jar is built), the URL that
 * answers UP when it is ready, its Spring properties (passed as command-line arguments) and the environment
 * variables it gets on top of the launcher's (secrets that no command line should show).
 */
record ServicePlan(
        String name, String module, String healthUrl, List<String> arguments, Map<String, String> environment) {

    ServicePlan(String name, String module, String healthUrl, List<String> arguments) {
        this(name, module, healthUrl, arguments, Map.of());
    }
}
