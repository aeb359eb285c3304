package health.portal.launcher;

import health.portal.infra.keycloak.StaffUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The hospital's month-end statement run, once, for a local run: a billing-office clerk issues last month's statements,
 * so that the demo patient's Billing Summary has a statement and its PDF (and the mailbox its notice) without waiting
 * for the 1st of the month. Enrollment reaches billing-service through Kafka, so the run is asked again until it has
 * issued one.
 */
final class DemoBilling {

    private static final Logger log = LoggerFactory.getLogger(DemoBilling.class);
    private static final int ATTEMPTS = 20;

    private DemoBilling() {}

    static void lastMonthsStatements(LocalPortal stack) {
        StaffUser clerk = stack.keycloak().createStaffUser("billing.demo", "Dana", "Clerk", List.of("billing-office"));
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                JsonNode run =
                        statementRun(stack, stack.keycloak().staffSignIn(clerk).accessToken());
                if (run.path("issued").asInt() > 0) {
                    return;
                }
                Thread.sleep(1500);
            }
            log.warn("The demo's statement run issued nothing: the Billing Summary shows no statement yet");
        } catch (IOException | RuntimeException e) {
            log.warn("The demo's statement run failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode statementRun(LocalPortal stack, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = LocalPortal.insecureLocalClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:"
                                        + stack.ports().billing() + "/internal/staff/billing/statement-runs"))
                                .timeout(Duration.ofSeconds(60))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("statement run answered " + response.statusCode());
        }
        return JsonMapper.builder().build().readTree(response.body());
    }
}
