package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * What clients send wrong gets a problem with the security headers, never a 500 or a bare status line; HEAD is
 * answered wherever GET is.
 */
class BadInputTest extends GatewayTestBase {

    record Raw(String what, String request, int status) {}

    @Test
    void malformedRequestsAreAnsweredWithProblemsCarryingTheSecurityHeaders() {
        String host = "Host: localhost\r\nX-Forwarded-For: 198.51.100.70\r\nConnection: close\r\n";
        List<Raw> cases = List.of(
                new Raw("bad percent-encoding", "GET /api/terms/%zz HTTP/1.1\r\n" + host + "\r\n", 400),
                new Raw("truncated percent-encoding", "GET /%E0%A4%A HTTP/1.1\r\n" + host + "\r\n", 400),
                new Raw("encoded slash", "GET /api/terms/..%2F..%2Factuator HTTP/1.1\r\n" + host + "\r\n", 400),
                new Raw("not a request line", "HELLO\r\n" + host + "\r\n", 400),
                new Raw("garbage version", "GET / HTTP/9.x\r\n" + host + "\r\n", 400),
                new Raw("invalid header line", "GET / HTTP/1.1\r\n" + host + "no colon here\r\n\r\n", 400),
                new Raw(
                        "bad content length",
                        "POST /api/enrollment HTTP/1.1\r\n" + host + "Content-Length: lots\r\n\r\n",
                        400),
                new Raw(
                        "length and chunked together",
                        "POST /api/enrollment HTTP/1.1\r\n" + host
                                + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400),
                new Raw(
                        "header too large",
                        "GET / HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n",
                        431),
                new Raw("URL too long", "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n" + host + "\r\n", 414),
                new Raw("unknown method", "BREW /api/records/summary HTTP/1.1\r\n" + host + "\r\n", 405),
                new Raw("TRACE", "TRACE / HTTP/1.1\r\n" + host + "\r\n", 405),
                new Raw("POST to a page", "POST / HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", 405),
                new Raw("DELETE of health", "DELETE /actuator/health HTTP/1.1\r\n" + host + "\r\n", 405));
        SoftAssertions soft = new SoftAssertions();
        for (Raw c : cases) {
            RawHttp.Response response = RawHttp.exchange(sslContext(), port, c.request());
            soft.assertThat(response.status())
                    .as(c.what() + ": " + response.body())
                    .isEqualTo(c.status());
            soft.assertThat(response.header("Content-Type"))
                    .as(c.what() + " content type")
                    .startsWith("application/problem+json");
            soft.assertThat(response.body())
                    .as(c.what() + " body")
                    .contains("\"status\":" + c.status())
                    .containsPattern("\"type\":\"https://portal\\.health/problems/[a-z0-9-]+\"");
            soft.assertThat(response.header("Strict-Transport-Security"))
                    .as(c.what() + " HSTS")
                    .startsWith("max-age=31536000");
            soft.assertThat(response.header("Content-Security-Policy"))
                    .as(c.what() + " CSP")
                    .contains("default-src 'none'");
            soft.assertThat(response.header("X-Content-Type-Options"))
                    .as(c.what() + " nosniff")
                    .isEqualTo("nosniff");
        }
        soft.assertAll();
    }

    @Test
    void wrongMethodsAndMediaTypesAreProblemsWithTheHeaders() {
        String token = mobileToken(patient("bad-input"));
        HttpResponse<String> delete = send(
                client(),
                request("/api/records/summary", "198.51.100.71")
                        .header("Authorization", "Bearer " + token)
                        .DELETE()
                        .build());
        assertProblem(delete, 405);
        assertThat(header(delete, "Allow")).contains("GET");
        assertSecurityHeaders(delete);

        HttpResponse<String> notAcceptable = send(
                client(),
                request("/api/records/summary", "198.51.100.71")
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/xml")
                        .GET()
                        .build());
        assertProblem(notAcceptable, 406);
        assertSecurityHeaders(notAcceptable);

        HttpClient management =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> unsupported = send(
                management,
                operatorRequest("/actuator/maintenance")
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("on please"))
                        .build());
        assertProblem(unsupported, 415);
        HttpResponse<String> malformed = send(
                management,
                operatorRequest("/actuator/maintenance")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":"))
                        .build());
        assertProblem(malformed, 400);
        assertThat(send(
                                management,
                                operatorRequest("/actuator/maintenance").GET().build())
                        .body())
                .contains("\"enabled\":false");
    }

    @Test
    void headIsAnsweredWhereverGetIs() {
        String token = mobileToken(patient("head"));
        record Head(String path, boolean withToken) {}
        List<Head> cases = List.of(
                new Head("/", false),
                new Head("/index.html", false),
                new Head("/portal/portal.js", false),
                new Head("/portal/portal.css", false),
                new Head("/favicon.ico", false),
                new Head("/actuator/health", false),
                new Head("/actuator/health/readiness", false),
                new Head("/auth/session", false),
                new Head("/v3/api-docs", false),
                new Head("/api/terms/current", false),
                new Head("/api/me", true),
                new Head("/api/records/summary", true),
                new Head("/api/records/labs", true),
                new Head("/api/records/documents", true),
                new Head("/api/records/documents/d1", true));
        for (Head c : cases) {
            HttpRequest.Builder get = request(c.path(), "198.51.100.72").GET();
            HttpRequest.Builder head =
                    request(c.path(), "198.51.100.72").method("HEAD", HttpRequest.BodyPublishers.noBody());
            if (c.withToken()) {
                get.header("Authorization", "Bearer " + token);
                head.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> getResponse = send(client(), get.build());
            HttpResponse<String> headResponse = send(client(), head.build());
            assertThat(getResponse.statusCode()).as("GET " + c.path()).isEqualTo(200);
            assertThat(headResponse.statusCode()).as("HEAD " + c.path()).isEqualTo(200);
            assertThat(headResponse.body()).as("HEAD " + c.path() + " body").isEmpty();
            assertThat(header(headResponse, "Content-Type"))
                    .as("HEAD " + c.path() + " content type")
                    .isEqualTo(header(getResponse, "Content-Type"));
            assertSecurityHeaders(headResponse);
        }
        // unauthenticated HEAD is refused like GET, not let through
        HttpResponse<String> anonymous = send(
                client(),
                request("/api/records/summary", "198.51.100.72")
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertSecurityHeaders(anonymous);
        HttpResponse<String> missing = send(
                client(),
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/no/such/page"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build());
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
