package health.portal.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.postgres.PostgresServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the end-to-end tests do to a running stack from outside: sign in as an app, call, read a service's store. */
final class StackCalls {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = LocalPortal.insecureLocalClient();

    private StackCalls() {}

    /** A patient app's access token, from Keycloak's sign-in form as the app's browser would fill it. */
    static String signIn(LocalPortal stack, String username, String password) {
        return BrowserSignIn.signIn(
                        stack.keycloak(), "portal-mobile", null, "http://127.0.0.1/callback", username, password)
                .accessToken();
    }

    static HttpResponse<String> call(String method, String url, String token, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /**
     * Every row of every table of a service's database as text, and the raw bytes of its bytea columns (as text
     * they show their hex, where a plaintext canary would not show).
     */
    static List<String> rowsOf(String database) throws SQLException {
        PostgresServer postgres = PostgresServer.shared();
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(
                        postgres.jdbcUrl(database), postgres.username(), postgres.password());
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet found = statement.executeQuery(
                    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables"
                            + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                            + " AND table_type = 'BASE TABLE'")) {
                while (found.next()) {
                    tables.add(found.getString(1));
                }
            }
            assertThat(tables).isNotEmpty();
            for (String table : tables) {
                try (ResultSet all = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
                    while (all.next()) {
                        rows.add(all.getString(1));
                    }
                }
                try (ResultSet binary = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = binary.getMetaData().getColumnCount();
                    while (binary.next()) {
                        for (int c = 1; c <= columns; c++) {
                            byte[] bytes = binary.getBytes(c);
                            if (bytes != null) {
                                rows.add(new String(bytes, StandardCharsets.ISO_8859_1));
                            }
                        }
                    }
                }
            }
        }
        return rows;
    }
}
