package health.portal.launcher;

import java.util.List;

/**
 * One service of the portal as the launcher runs it: its module (where the runnable jar is built), the URL that
 * answers UP when it is ready, and its Spring properties (passed as command-line arguments).
 */
record ServicePlan(String name, String module, String healthUrl, List<String> arguments) {}
