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
import java.util.function.Function;
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
    private static final Pattern RESET_LINK =
            Pattern.compile("href=\"([^\"]*/login-actions/reset-credentials[^\"]*)\"", Pattern.DOTALL);
    private static final Pattern PROCEED_LINK =
            Pattern.compile("id=\"kc-info-message\".*?href=\"([^\"]*/login-actions/[^\"]*)\"", Pattern.DOTALL);
    private static final Pattern FORM_ID = Pattern.compile("<form[^>]*id=\"([^\"]+)\"", Pattern.DOTALL);
    /** Keycloak's form asking for the one-time code of an authenticator app. */
    public static final String OTP_FORM = "kc-otp-login-form";
    /** Keycloak's form asking for a new password (expired password, or the update-password action). */
    public static final String UPDATE_PASSWORD_FORM = "kc-passwd-update-form";

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

    /**
     * The refresh-token grant as a client makes it (a public client: {@code clientSecret} null). Keycloak's answer as
     * it is: 200 with new tokens, or 400 {@code invalid_grant} once the session behind the token has ended.
     */
    public static HttpResponse<String> refresh(
            String issuerUri, String clientId, String clientSecret, String refreshToken) {
        Map<String, String> grant = new LinkedHashMap<>(
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId));
        if (clientSecret != null) {
            grant.put("client_secret", clientSecret);
        }
        return send(
                browser(),
                HttpRequest.newBuilder(URI.create(issuerUri + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(grant)))
                        .build());
    }

    /** One sign-in with the password; nothing answered after it (see {@link Request} for more). */
    public static Result attempt(
            String issuerUri,
            String clientId,
            String clientSecret,
            String redirectUri,
            String username,
            String password) {
        return attempt(Request.of(issuerUri, clientId, clientSecret, redirectUri, username, password));
    }

    /**
     * A sign-in as a person makes it: the client and its redirect, the user's password, the scopes asked for, and
     * what to fill in on the forms Keycloak shows after the password ({@code answers}: form id, e.g.
     * {@link #UPDATE_PASSWORD_FORM}, to the fields to post, computed from the page that shows it; a form without an
     * answer ends the attempt there).
     */
    public record Request(
            String issuerUri,
            String clientId,
            String clientSecret,
            String redirectUri,
            String username,
            String password,
            String scope,
            Map<String, Function<String, Map<String, String>>> answers) {

        public static Request of(
                String issuerUri,
                String clientId,
                String clientSecret,
                String redirectUri,
                String username,
                String password) {
            return new Request(issuerUri, clientId, clientSecret, redirectUri, username, password, "openid", Map.of());
        }

        /** Asking for these scopes (space-separated, e.g. {@code "openid offline_access"}). */
        public Request scope(String scope) {
            return new Request(issuerUri, clientId, clientSecret, redirectUri, username, password, scope, answers);
        }

        /** Filling in {@code formId} with these fields when Keycloak shows it. */
        public Request answering(String formId, Function<String, Map<String, String>> fields) {
            Map<String, Function<String, Map<String, String>>> more = new LinkedHashMap<>(answers);
            more.put(formId, fields);
            return new Request(issuerUri, clientId, clientSecret, redirectUri, username, password, scope, more);
        }

        /** Answering the one-time code form (second factor) with a code from the user's app. */
        public Request oneTimeCodes(Supplier<String> codes) {
            return answering(OTP_FORM, page -> Map.of("otp", codes.get()));
        }
    }

    public static Result attempt(Request request) {
        String issuerUri = request.issuerUri();
        String clientId = request.clientId();
        String clientSecret = request.clientSecret();
        String redirectUri = request.redirectUri();
        String username = request.username();
        String password = request.password();
        String scope = request.scope();
        Map<String, Function<String, Map<String, String>>> answers = request.answers();
        HttpClient browser = browser();
        String verifier = randomToken();
        String state = randomToken();
        HttpResponse<String> loginPage = send(
                browser,
                HttpRequest.newBuilder(
                                URI.create(authorizeUrl(issuerUri, clientId, redirectUri, state, verifier, scope)))
                        .GET()
                        .build());
        if (loginPage.statusCode() != 200) {
            return new Result(
                    null,
                    loginPage.statusCode(),
                    null,
                    "authorization endpoint answered " + loginPage.statusCode()
                            + loginPage
                                    .headers()
                                    .firstValue("Location")
                                    .map(location -> " to " + location)
                                    .orElse(""),
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
        return finish(browser, afterLogin, issuerUri, clientId, clientSecret, redirectUri, state, verifier, answers);
    }

    /**
     * "Forgot password?" as a person does it: the link on Keycloak's sign-in page, the user name, then the link of the
     * mail ({@code linkFromMail} waits for it and returns it) opened in the same browser, and the new password. The
     * result is the sign-in that follows, as for {@link #attempt(String, String, String, String, String, String)}.
     */
    public static Result resetPassword(
            String issuerUri,
            String clientId,
            String clientSecret,
            String redirectUri,
            String username,
            Supplier<String> linkFromMail,
            String newPassword) {
        HttpClient browser = browser();
        String verifier = randomToken();
        String state = randomToken();
        HttpResponse<String> loginPage = send(
                browser,
                HttpRequest.newBuilder(
                                URI.create(authorizeUrl(issuerUri, clientId, redirectUri, state, verifier, "openid")))
                        .GET()
                        .build());
        Matcher forgot = RESET_LINK.matcher(loginPage.body());
        if (!forgot.find()) {
            return new Result(
                    null,
                    loginPage.statusCode(),
                    find(FORM_ID, loginPage.body()),
                    "no forgot-password link",
                    loginPage.body());
        }
        HttpResponse<String> resetPage = send(
                browser,
                HttpRequest.newBuilder(
                                URI.create(absolute(issuerUri, forgot.group(1).replace("&amp;", "&"))))
                        .GET()
                        .build());
        String action = formAction(resetPage.body())
                .orElseThrow(() -> new IllegalStateException("no form on Keycloak's forgot-password page"));
        send(
                browser,
                HttpRequest.newBuilder(URI.create(action))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", username))))
                        .build());
        HttpResponse<String> fromMail = send(
                browser,
                HttpRequest.newBuilder(URI.create(linkFromMail.get())).GET().build());
        return finish(
                browser,
                fromMail,
                issuerUri,
                clientId,
                clientSecret,
                redirectUri,
                state,
                verifier,
                Map.of(
                        UPDATE_PASSWORD_FORM,
                        page -> Map.of("password-new", newPassword, "password-confirm", newPassword)));
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder()
                .cookieHandler(new LoopbackCookieJar())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static String authorizeUrl(
            String issuerUri, String clientId, String redirectUri, String state, String verifier, String scope) {
        return issuerUri + "/protocol/openid-connect/auth?"
                + form(Map.of(
                        "client_id",
                        clientId,
                        "redirect_uri",
                        redirectUri,
                        "response_type",
                        "code",
                        "scope",
                        scope,
                        "state",
                        state,
                        "nonce",
                        randomToken(),
                        "code_challenge",
                        challenge(verifier),
                        "code_challenge_method",
                        "S256"));
    }

    private static String absolute(String issuerUri, String link) {
        return link.startsWith("/") ? URI.create(issuerUri).resolve(link).toString() : link;
    }

    /** Keycloak's pages after the credentials, up to the callback, and the code exchanged for tokens. */
    private static Result finish(
            HttpClient browser,
            HttpResponse<String> afterLogin,
            String issuerUri,
            String clientId,
            String clientSecret,
            String redirectUri,
            String state,
            String verifier,
            Map<String, Function<String, Map<String, String>>> answers) {
        Optional<String> location = afterLogin.headers().firstValue("Location");
        // a few steps at most: second factor, required actions, each a page of Keycloak's own
        for (int step = 0; step < 6; step++) {
            if (afterLogin.statusCode() == 302
                    && location.isPresent()
                    && location.get().startsWith(issuerUri + "/login-actions/")) {
                afterLogin = send(
                        browser,
                        HttpRequest.newBuilder(URI.create(location.get())).GET().build());
            } else if (afterLogin.statusCode() == 200
                    && find(FORM_ID, afterLogin.body()) != null
                    && answers.containsKey(find(FORM_ID, afterLogin.body()))) {
                String page = afterLogin.body();
                String formAction =
                        formAction(page).orElseThrow(() -> new IllegalStateException("no action on Keycloak's form"));
                afterLogin = send(
                        browser,
                        HttpRequest.newBuilder(URI.create(formAction))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        form(answers.get(find(FORM_ID, page)).apply(page))))
                                .build());
            } else if (afterLogin.statusCode() == 200 && find(PROCEED_LINK, afterLogin.body()) != null) {
                // an information page with a link on (e.g. a mailed link opened): the person clicks it
                afterLogin = send(
                        browser,
                        HttpRequest.newBuilder(URI.create(absolute(
                                        issuerUri,
                                        find(PROCEED_LINK, afterLogin.body()).replace("&amp;", "&"))))
                                .GET()
                                .build());
            } else {
                break;
            }
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
