package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;

import java.net.http.HttpResponse;

/** What every gateway response must carry, success or error. */
final class SecurityHeaderAssertions {

    private SecurityHeaderAssertions() {}

    static void assertSecurityHeaders(HttpResponse<?> response) {
        String where = response.request().method() + " " + response.uri().getPath() + " -> " + response.statusCode();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(header(response, "Cache-Control"))
                .as(where + " Cache-Control")
                .isEqualTo("no-store");
        soft.assertThat(header(response, "Pragma")).as(where + " Pragma").isEqualTo("no-cache");
        soft.assertThat(header(response, "Expires")).as(where + " Expires").isEqualTo("0");
        soft.assertThat(header(response, "Content-Security-Policy"))
                .as(where + " CSP")
                .contains("default-src 'none'")
                .contains("frame-ancestors 'none'")
                .contains("object-src 'none'")
                .doesNotContain("unsafe-inline")
                .doesNotContain("unsafe-eval");
        soft.assertThat(header(response, "X-Content-Type-Options"))
                .as(where + " nosniff")
                .isEqualTo("nosniff");
        soft.assertThat(header(response, "Referrer-Policy"))
                .as(where + " Referrer-Policy")
                .isEqualTo("no-referrer");
        soft.assertThat(header(response, "X-Frame-Options"))
                .as(where + " X-Frame-Options")
                .isEqualTo("DENY");
        soft.assertThat(header(response, "Permissions-Policy"))
                .as(where + " Permissions-Policy")
                .contains("camera=()")
                .contains("geolocation=()");
        if ("https".equals(response.uri().getScheme())) {
            soft.assertThat(header(response, "Strict-Transport-Security"))
                    .as(where + " HSTS")
                    .startsWith("max-age=31536000");
        }
        // nothing of a downstream's caching, cookies or product names leaks through
        soft.assertThat(response.headers().allValues("Set-Cookie"))
                .as(where + " Set-Cookie")
                .noneMatch(cookie -> cookie.startsWith("downstream="));
        soft.assertThat(header(response, "Server")).as(where + " Server").isNull();
        soft.assertAll();
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode())
                .as(response.uri().getPath() + " body " + response.body())
                .isEqualTo(status);
        assertThat(header(response, "Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status).contains("\"title\"");
        // the portal's one vocabulary, the gateway's own answers included
        assertThat(response.body()).containsPattern("\"type\":\"https://portal\\.health/problems/[a-z0-9-]+\"");
    }
}
