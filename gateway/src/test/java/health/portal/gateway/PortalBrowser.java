package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One person's browser at the gateway and Keycloak: cookies per origin (Keycloak's on plain-HTTP loopback too), no
 * redirect followed unless asked, and Keycloak's forms filled in and posted as a person does.
 */
final class PortalBrowser {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);
    private static final Pattern FORM_ID = Pattern.compile("<form[^>]*id=\"([^\"]+)\"", Pattern.DOTALL);

    private final Map<String, Map<String, String>> cookies = new ConcurrentHashMap<>();
    private final HttpClient http;
    private final String gateway;

    PortalBrowser(HttpClient http, String gateway) {
        this.http = http;
        this.gateway = gateway;
    }

    /** Signs in through the gateway with the password (and a one-time code if Keycloak asks and one is given). */
    HttpResponse<String> signIn(String username, String password) {
        HttpResponse<String> start = get("/oauth2/authorization/keycloak");
        assertThat(start.statusCode()).isEqualTo(302);
        HttpResponse<String> loginPage = follow(header(start, "Location"));
        assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
        return submit(loginPage, Map.of("username", username, "password", password, "credentialId", ""));
    }

    /**
     * Answers Keycloak's sign-in form shown again within a signed-in session (every authorization request carries
     * {@code prompt=login}, so an account action asks for the password first) and returns the page Keycloak shows
     * next, following Keycloak's own redirects.
     */
    HttpResponse<String> confirmPassword(
            HttpResponse<String> loginPage, String username, String password, String keycloak) {
        assertThat(loginPage.statusCode()).as(loginPage.body()).isEqualTo(200);
        assertThat(formId(loginPage)).isEqualTo("kc-form-login");
        return followWithin(
                submit(loginPage, Map.of("username", username, "password", password, "credentialId", "")), keycloak);
    }

    /** Posts the page's (first) form with these fields, as its submit button does. */
    HttpResponse<String> submit(HttpResponse<String> page, Map<String, String> fields) {
        Matcher action = FORM_ACTION.matcher(page.body());
        assertThat(action.find()).as(page.body()).isTrue();
        return exchange(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(BrowserSignIn.form(fields))));
    }

    static String formId(HttpResponse<String> page) {
        Matcher id = FORM_ID.matcher(page.body());
        return id.find() ? id.group(1) : null;
    }

    /** A POST without a body (e.g. sign-out) with these headers. */
    HttpResponse<String> post(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return exchange(request);
    }

    /** A JSON request (e.g. {@code POST /api/messages}) with these headers, the session cookie included. */
    HttpResponse<String> sendJson(String method, String path, Map<String, String> headers, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return exchange(request);
    }

    /** The value of a cookie this browser holds for an origin ({@code https://host:port}), null if none. */
    String cookie(String origin, String name) {
        return cookies.getOrDefault(origin, Map.of()).get(name);
    }

    HttpResponse<String> get(String path) {
        return follow(gateway + path);
    }

    HttpResponse<String> follow(String location) {
        URI uri = location.startsWith("/") ? URI.create(gateway + location) : URI.create(location);
        return exchange(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET());
    }

    /** Follows redirects as long as they stay under {@code prefix} (e.g. Keycloak's own pages); the first other answer. */
    HttpResponse<String> followWithin(HttpResponse<String> response, String prefix) {
        for (int i = 0; i < 10 && response.statusCode() / 100 == 3; i++) {
            String location = header(response, "Location");
            if (location == null || !location.startsWith(prefix)) {
                break;
            }
            response = follow(location);
        }
        return response;
    }

    /** The address this browser's requests come from (through the trusted-proxy header). */
    static final String CLIENT_ADDRESS = "198.51.100.77";

    private HttpResponse<String> exchange(HttpRequest.Builder builder) {
        builder.header("X-Forwarded-For", CLIENT_ADDRESS);
        HttpRequest probe = builder.copy().build();
        String origin = origin(probe.uri());
        Map<String, String> jar = cookies.getOrDefault(origin, Map.of());
        if (!jar.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            jar.forEach((name, value) -> pairs.add(name + "=" + value));
            builder.header("Cookie", String.join("; ", pairs));
        }
        HttpResponse<String> response = GatewayTestBase.send(http, builder.build());
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            for (HttpCookie cookie : HttpCookie.parse(setCookie)) {
                Map<String, String> target = cookies.computeIfAbsent(origin, o -> new ConcurrentHashMap<>());
                if (cookie.getMaxAge() == 0 || cookie.getValue().isEmpty()) {
                    target.remove(cookie.getName());
                } else {
                    target.put(cookie.getName(), cookie.getValue());
                }
            }
        }
        return response;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }
}
