package health.portal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * A servlet service that declares only its access rules gets the rest from the platform: tokens checked for issuer
 * and audience against the realm's keys, roles from the realm, 401/403/413 as problems, health open, the rest refused.
 */
@SpringBootTest(
        classes = ServletResourceServerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServletResourceServerTest {

    static final TestTokens TOKENS = TestTokens.shared();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        AccessRules accessRules() {
            return rules -> rules.requestMatchers("/api/public")
                    .permitAll()
                    .requestMatchers("/api/mine", "/api/echo")
                    .hasRole(Caller.ROLE_PATIENT);
        }

        @Bean
        Endpoints endpoints() {
            return new Endpoints();
        }
    }

    @RestController
    static class Endpoints {

        @GetMapping("/api/public")
        String open() {
            return "open";
        }

        @GetMapping("/api/mine")
        String mine(@AuthenticationPrincipal Jwt jwt) {
            return Caller.of(jwt).requirePatientId();
        }

        @PostMapping("/api/echo")
        String echo(@RequestBody String body) {
            return body.length() + " bytes";
        }

        @GetMapping("/api/unlisted")
        String unlisted() {
            return "should never be reached";
        }
    }

    @DynamicPropertySource
    static void realm(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ServletResourceServerTest::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", TOKENS::jwkSetUri);
        registry.add("portal.web.max-request-body", () -> "1KB");
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPatientsTokenReadsTheirOwnData() throws Exception {
        HttpResponse<String> response = get("/api/mine", token(List.of("patient"), "portal-api", issuer()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("demo-alex");
    }

    @Test
    void noTokenAnswers401AsAProblemWithTheChallenge() throws Exception {
        HttpResponse<String> response = get("/api/mine", null);
        assertProblem(response, 401, "unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void aTokenForAnotherAudienceOrIssuerIsNotAccepted() throws Exception {
        assertProblem(get("/api/mine", token(List.of("patient"), "account", issuer())), 401, "unauthenticated");
        assertProblem(
                get("/api/mine", token(List.of("patient"), "portal-api", "http://evil.example/realms/portal")),
                401,
                "unauthenticated");
    }

    @Test
    void theWrongRoleAnswers403AsAProblem() throws Exception {
        assertProblem(get("/api/mine", token(List.of("staff"), "portal-api", issuer())), 403, "forbidden");
    }

    @Test
    void pathsTheServiceDidNotNameAreRefusedEvenWithAToken() throws Exception {
        assertProblem(get("/api/unlisted", token(List.of("patient"), "portal-api", issuer())), 403, "forbidden");
        assertProblem(get("/api/unlisted", null), 401, "unauthenticated");
    }

    @Test
    void healthAndTheServicesPublicPathsAreOpen() throws Exception {
        assertThat(get("/api/public", null).body()).isEqualTo("open");
    }

    @Test
    void aBodyLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        String token = token(List.of("patient"), "portal-api", issuer());
        assertThat(post("/api/echo", token, "x".repeat(512)).body()).isEqualTo("512 bytes");
        assertProblem(post("/api/echo", token, "x".repeat(4096)), 413, "request-too-large");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"type\":\"https://portal.health/problems/" + slug + "\"");
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String issuer() {
        return TOKENS.issuer();
    }

    private static String token(List<String> roles, String audience, String issuer) {
        return issuer.equals(issuer()) ? TOKENS.token(roles, "demo-alex", audience) : TOKENS.otherIssuer("demo-alex");
    }
}
