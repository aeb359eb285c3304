package health.portal.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.net.URI;
import java.time.Duration;
import java.util.List;

class ProblemsTest {

    @Test
    void everyProblemTypeIsThePortalsSlug() {
        ProblemDetail problem =
                Problems.problem(HttpStatus.GONE, "activation-code-used", "Activation code already used", "Ask again.");
        assertThat(problem.getType()).isEqualTo(URI.create("https://portal.health/problems/activation-code-used"));
        assertThat(problem.getStatus()).isEqualTo(410);
        assertThat(problem.getTitle()).isEqualTo("Activation code already used");
    }

    @Test
    void frameworkProblemsGetThePortalTypeOfTheirStatus() {
        assertThat(Problems.withPortalType(ProblemDetail.forStatus(404)).getType())
                .hasToString("https://portal.health/problems/not-found");
        assertThat(Problems.withPortalType(ProblemDetail.forStatus(405)).getType())
                .hasToString("https://portal.health/problems/method-not-allowed");
        assertThat(Problems.withPortalType(ProblemDetail.forStatus(503)).getType())
                .hasToString("https://portal.health/problems/dependency-unavailable");
        ProblemDetail own = Problems.problem(HttpStatus.CONFLICT, "already-enrolled", "Already enrolled", null);
        assertThat(Problems.withPortalType(own).getType())
                .hasToString("https://portal.health/problems/already-enrolled");
    }

    @Test
    void validationProblemsListTheFieldsInAStableOrder() {
        ProblemDetail problem = Problems.validation(List.of(
                new FieldProblem("username", "taken"),
                new FieldProblem("email", "invalid"),
                new FieldProblem("email", "blank")));
        assertThat(problem.getType()).hasToString("https://portal.health/problems/validation");
        assertThat(problem.getProperties().get("errors"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly(
                        new FieldProblem("email", "blank"),
                        new FieldProblem("email", "invalid"),
                        new FieldProblem("username", "taken"));
    }

    @Test
    void unavailableTellsTheClientWhenToComeBack() {
        ErrorResponseException unavailable = Problems.unavailable("The medical record system");
        assertThat(unavailable.getStatusCode().value()).isEqualTo(503);
        assertThat(unavailable.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("30");
        assertThat(unavailable.getBody().getDetail()).startsWith("The medical record system is not reachable");
        assertThat(Problems.exception(
                                HttpStatus.TOO_MANY_REQUESTS,
                                Problems.RATE_LIMITED,
                                "Too many",
                                "Wait.",
                                Duration.ofMillis(10))
                        .getHeaders()
                        .getFirst(HttpHeaders.RETRY_AFTER))
                .isEqualTo("1");
    }

    @Test
    void theJsonBodyHasTheMembersOfRfc9457ThenTheExtensions() {
        ProblemDetail problem = Problems.field("password", "too short").getBody();
        problem.setInstance(URI.create("/api/enrollment"));
        String json = new String(Problems.json(problem), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json)
                .startsWith(
                        "{\"type\":\"https://portal.health/problems/validation\",\"title\":\"Invalid request\","
                                + "\"status\":400,\"detail\":\"The request has invalid fields.\",\"instance\":\"/api/enrollment\"")
                .contains("\"errors\":[{\"field\":\"password\",\"message\":\"too short\"}]");
        assertThat(new String(Problems.json(Problems.internal()), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"type\":\"https://portal.health/problems/internal\"")
                .doesNotContain("Exception");
    }
}
