package health.portal.identity.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.problem.Problems;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.springframework.http.ProblemDetail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** A Keycloak that accepts connections and never answers costs an admin call its read timeout, not a hang. */
class KeycloakTimeoutTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(1500);

    @Test
    void anAdminCallToAKeycloakThatNeverAnswersGivesUpAfterTheReadTimeout() throws Exception {
        // never accept()ed: the kernel completes the handshakes, nobody ever reads or writes
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KeycloakProperties properties = new KeycloakProperties(
                "http://127.0.0.1:" + silent.getLocalPort(),
                "portal",
                "identity-service",
                "secret",
                Duration.ofSeconds(2),
                READ_TIMEOUT);
        Keycloak admin = KeycloakConfig.adminClient(properties);
        try {
            KeycloakAccounts accounts = new KeycloakAccounts(admin, properties);

            long started = System.nanoTime();
            assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () -> assertThatThrownBy(() -> accounts.usernameExists("someone"))
                            .isInstanceOfSatisfying(DependencyUnavailableException.class, e -> {
                                // what the platform's handler answers for it: 503 with Retry-After, naming the system
                                ProblemDetail problem =
                                        Problems.unavailable(e.dependency()).getBody();
                                assertThat(problem.getStatus()).isEqualTo(503);
                                assertThat(problem.getDetail())
                                        .isEqualTo(
                                                "The sign-in service is not reachable right now. Please try again later.");
                            }));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isBetween(READ_TIMEOUT.minusMillis(100), READ_TIMEOUT.plusSeconds(3));
        } finally {
            // the socket first: a call still waiting (no timeout) then fails, and closing the client does not block
            silent.close();
            admin.close();
        }
    }
}
