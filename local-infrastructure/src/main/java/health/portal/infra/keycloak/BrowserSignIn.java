package health.portal.infra.keycloak;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs in the way a browser or a mobile app does: the OAuth2 authorization code flow with PKCE (S256) through
 * Keycloak's own login form, then the code exchanged for tokens. No password grant: the realm does not allow it.
 */
public final class BrowserSignIn {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"", Pattern.DOTALL);
    private static final Pattern INPUT_ERROR =
            Pattern.compile("id=\"input-error[^\"]*\"[^>]*>\\s*([^<\\s][^<]*?)\\s*<", Pattern.DOTALL);
    private static final Pattern FEEDBACK = Pattern.compile(
            "class=\"[^\"]*(?:kc-feedback-text|pf-v5-c-alert__title|alert-error)[^\"]*\"[^>]*>\\s*([^<\\s][^<]*?)\\s*<",
            Pattern.DOTALL);
    private static final Pattern FORM_ID = Pattern.compile("<form[^>]*id=\"([^\"]+)\"", Pattern.DOTALL);
    /** Keycloak's form asking for the one-time code of an authenticator app. */
    public static final String OTP_FORM = "kc-otp-login-form";

    private BrowserSignIn() {}

    /** Tokens from a sign-in that succeeded. */
    public record Tokens(String accessToken, String refreshToken, String idToken, long expiresInSeconds) {}

    /**
     * What the browser ended on: tokens, or Keycloak's page with its message (wrong password, locked account) or with
     * a required action (e.g. form {@code kc-passwd-update-form} when the password has expired).
     */
    public record Result(Tokens tokens, int status, String formId, String message, String page) {

        public boolean succeeded() {
            return tokens != null;
        }
    }

    /** Signs in and returns the tokens, or fails with Keycloak's message. */
    public static Tokens signIn(
            KeycloakServer keycloak,
            String clientId,
            String clientSecret,
            String redirectUri,
            String username,
            String password) {
        Result result = attempt(keycloak.issuerUri(), clientId, clientSecret, redirectUri, username, password);
        if (!result.succeeded()) {
            throw new IllegalStateException("sign-in of " + username + " did not complete: status " + result.status()
                    + ", form " + result.formId() + ", message " + result.message());
        }
        return result.tokens();
    }

    public static Result attempt(
            String issuerUri,
            String clientId,
            String clientSecret,
            String redirectUri,
            String username,
            String password) {
        return attempt(issuerUri, clientId, clientSecret, redirectUri, username, password, null);
    }

    /**
     * As {@link #attempt(String, String, String, String, String, String)}, answering Keycloak's one-time code form
     * (second factor) with a code from {@code oneTimeCode} when it asks for one; null: never answer it.
     */
    public static Result attempt(
            String issuerUri,
            String clientId,
            String clientSecret,
            String redirectUri,
            String username,
            String password,
            Supplier<String> oneTimeCode) {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new LoopbackCookieJar())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String verifier = randomToken();
        String state = randomToken();
        String authorize = issuerUri + "/protocol/openid-connect/auth?"
                + form(Map.of(
                        "client_id",
                        clientId,
                        "redirect_uri",
                        redirectUri,
                        "response_type",
                        "code",
                        "scope",
                        "openid",
                        "state",
                        state,
                        "nonce",
                        randomToken(),
                        "code_challenge",
                        challenge(verifier),
                        "code_challenge_method",
                        "S256"));
        HttpResponse<String> loginPage = send(
                browser, HttpRequest.newBuilder(URI.create(authorize)).GET().build());
        if (loginPage.statusCode() != 200) {
            return new Result(
                    null,
                    loginPage.statusCode(),
                    null,
                    "authorization endpoint answered " + loginPage.statusCode(),
                    loginPage.body());
        }
        String action = formAction(loginPage.body())
                .orElseThrow(() -> new IllegalStateException("no login form on Keycloak's page"));
        HttpResponse<String> afterLogin = send(
                browser,
                HttpRequest.newBuilder(URI.create(action))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                form(Map.of("username", username, "password", password, "credentialId", ""))))
                        .build());
        if (afterLogin.statusCode() == 200
                && OTP_FORM.equals(find(FORM_ID, afterLogin.body()))
                && oneTimeCode != null) {
            String otpAction = formAction(afterLogin.body())
                    .orElseThrow(() -> new IllegalStateException("no action on Keycloak's one-time code form"));
            afterLogin = send(
                    browser,
                    HttpRequest.newBuilder(URI.create(otpAction))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("otp", oneTimeCode.get()))))
                            .build());
        }
        Optional<String> location = afterLogin.headers().firstValue("Location");
        if (afterLogin.statusCode() == 302
                && location.isPresent()
                && location.get().startsWith(issuerUri + "/login-actions/")) {
            // Keycloak sends the browser to one of its own pages first (a required action, e.g. set up an
            // authenticator app): the browser shows it, and nothing signs in
            afterLogin = send(
                    browser,
                    HttpRequest.newBuilder(URI.create(location.get())).GET().build());
            location = afterLogin.headers().firstValue("Location");
        }
        if (afterLogin.statusCode() != 302
                || location.isEmpty()
                || !location.get().startsWith(redirectUri)) {
            return new Result(
                    null,
                    afterLogin.statusCode(),
                    find(FORM_ID, afterLogin.body()),
                    find(FEEDBACK, afterLogin.body()) != null
                            ? find(FEEDBACK, afterLogin.body())
                            : find(INPUT_ERROR, afterLogin.body()),
                    afterLogin.body());
        }
        Map<String, String> callback = query(URI.create(location.get()).getRawQuery());
        if (!state.equals(callback.get("state")) || callback.get("code") == null) {
            return new Result(null, 302, null, "callback without code or with a wrong state: " + location.get(), "");
        }
        Map<String, String> exchange = new LinkedHashMap<>(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                callback.get("code"),
                "redirect_uri",
                redirectUri,
                "client_id",
                clientId,
                "code_verifier",
                verifier));
        if (clientSecret != null) {
            exchange.put("client_secret", clientSecret);
        }
        HttpResponse<String> tokenResponse = send(
                browser,
                HttpRequest.newBuilder(URI.create(issuerUri + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(exchange)))
                        .build());
        if (tokenResponse.statusCode() != 200) {
            return new Result(null, tokenResponse.statusCode(), null, tokenResponse.body(), tokenResponse.body());
        }
        JsonNode json = JsonMapper.builder().build().readTree(tokenResponse.body());
        return new Result(
                new Tokens(
                        json.path("access_token").asString(),
                        json.path("refresh_token").asString(null),
                        json.path("id_token").asString(null),
                        json.path("expires_in").asLong()),
                200,
                null,
                null,
                "");
    }

    private static Optional<String> formAction(String html) {
        Matcher m = FORM_ACTION.matcher(html);
        return m.find() ? Optional.of(m.group(1).replace("&amp;", "&")) : Optional.empty();
    }

    private static String find(Pattern pattern, String html) {
        Matcher m = pattern.matcher(html);
        return m.find()
                ? m.group(1).replace("&#39;", "'").replace("&quot;", "\"").trim()
                : null;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(
                            pair.substring(0, eq),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** An {@code application/x-www-form-urlencoded} body, as a browser posts a form. */
    public static String form(Map<String, String> values) {
        StringBuilder body = new StringBuilder();
        values.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
