package health.portal.launcher;

import health.portal.infra.keycloak.StaffUser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The demo patient of local runs, enrolled the way a real patient is: staff issue an activation code for the EMR
 * patient demo-alex of the sandbox, then the public enrollment API creates the account with that code.
 */
public final class DemoPatient {

    public static final String PATIENT_ID = "demo-alex";
    static final String BIRTH_DATE = "1984-03-15";
    static final String USERNAME = "alex.rivera";
    static final String PASSWORD = "Demo-portal-2026";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int UNAVAILABLE_ATTEMPTS = 6;

    public record Credentials(String username, String password, String patientId) {}

    /** A sandbox patient who enrolls as one: the EMR's id and birth date, and the account's user ID and e-mail. */
    public record Enrollee(String patientId, String birthDate, String username, String password, String email) {}

    /** The demo patient of every local run. */
    public static final Enrollee ALEX =
            new Enrollee(PATIENT_ID, BIRTH_DATE, USERNAME, PASSWORD, "alex.rivera@example.org");

    /** The sandbox's second demo patient (demo-sam), for tests that need another patient's token. */
    public static final Enrollee SAM =
            new Enrollee("demo-sam", "1979-11-02", "sam.okafor", "Demo-portal-2026-sam", "sam.okafor@example.org");

    private DemoPatient() {}

    public static Credentials enroll(LocalPortal stack) {
        return enroll(stack, ALEX);
    }

    public static Credentials enroll(LocalPortal stack, Enrollee patient) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String identity = "http://localhost:" + stack.ports().identity();
        // a named member of the front desk, signed in with password and one-time code, issues the patient's code
        StaffUser frontDesk = stack.keycloak()
                .createStaffUser("frontdesk." + patient.username(), "Casey", "Nguyen", List.of("front-desk"));
        String staffToken = stack.keycloak().staffSignIn(frontDesk).accessToken();

        JsonNode code = post(
                http,
                identity + "/internal/staff/activation-codes",
                staffToken,
                Map.of("patientId", patient.patientId(), "birthDate", patient.birthDate()));
        JsonNode terms = get(http, identity + "/api/terms/current");
        post(
                http,
                identity + "/api/enrollment",
                null,
                Map.of(
                        "activationCode",
                        code.path("code").asString(),
                        "dateOfBirth",
                        patient.birthDate(),
                        "username",
                        patient.username(),
                        "password",
                        patient.password(),
                        "email",
                        patient.email(),
                        "termsVersion",
                        terms.path("version").asString(),
                        "acceptTerms",
                        true));
        return new Credentials(patient.username(), patient.password(), patient.patientId());
    }

    private static JsonNode post(HttpClient http, String url, String bearer, Map<String, Object> body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(http, request.build(), url);
    }

    private static JsonNode get(HttpClient http, String url) {
        return send(
                http,
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                url);
    }

    /**
     * A 503 is what a service answers while a dependency is still warming up (the first gRPC call to records-service
     * of a cold JVM, say): like any client, try again after the Retry-After it names, a few times.
     */
    private static JsonNode send(HttpClient http, HttpRequest request, String url) {
        try {
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 503 && attempt < UNAVAILABLE_ATTEMPTS) {
                    Thread.sleep(retryAfter(response).toMillis());
                    continue;
                }
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException("demo patient enrollment: " + url + " answered "
                            + response.statusCode() + " " + response.body());
                }
                return JSON.readTree(response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        long seconds = response.headers()
                .firstValue("Retry-After")
                .filter(v -> v.matches("\\d{1,4}"))
                .map(Long::parseLong)
                .orElse(2L);
        return Duration.ofSeconds(Math.min(Math.max(seconds, 1), 5));
    }
}
