package health.portal.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What every service that owns a PostgreSQL database promises before it has features: it boots on its own database,
 * migrates it, reports ready and refuses API calls without a token. A service's test extends this, in the service's
 * package so that its application is found.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class StatefulServiceContract {

    private static final ThrowawayDatabase DATABASE = PostgresServer.shared().createThrowawayDatabase("service");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("spring.datasource.password", DATABASE::password);
        // no identity provider in this test: tokens are never accepted, which is what it checks
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> "http://127.0.0.1:9/realms/portal");
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void migratesItsDatabaseAndReportsReady() throws Exception {
        Integer migrations = new JdbcTemplate(dataSource)
                .queryForObject("SELECT count(*) FROM flyway_schema_history WHERE success", Integer.class);
        assertThat(migrations).isPositive();

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"UP\"");
        assertThat(get("/actuator/health/liveness").body()).contains("\"UP\"");
    }

    @Test
    void refusesApiCallsWithoutAToken() throws Exception {
        assertThat(get("/api/anything").statusCode()).isEqualTo(401);
    }

    /**
     * The operator's patch check reads the SBOM at actuator {@code /sbom} without a user's token. The document itself is
     * on the class path only in a {@code -Pimage} build (the profile makes it); then it is served too.
     */
    @Test
    void servesItsSbomWithoutAToken() throws Exception {
        HttpResponse<String> sboms = get("/actuator/sbom");
        assertThat(sboms.statusCode()).isEqualTo(200);
        assertThat(sboms.body()).contains("\"ids\"");
        if (getClass().getResource("/META-INF/sbom/application.cdx.json") != null) {
            assertThat(sboms.body()).contains("\"application\"");
            HttpResponse<String> sbom = get("/actuator/sbom/application");
            assertThat(sbom.statusCode()).isEqualTo(200);
            assertThat(sbom.body()).contains("\"bomFormat\"", "CycloneDX");
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
