package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import health.portal.infra.browser.Chromium;
import health.portal.infra.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Chromium at one computer, shared by patients: what the gateway keeps of a signed-in patient in Redis, and
 * what the next person finds after the first one walked away.
 */
class SharedComputerTest extends GatewayTestBase {

    private static Chromium chromium;

    @BeforeAll
    static void launchBrowser() {
        chromium = Chromium.launch();
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void allowThisGatewayAtKeycloak() {
        KeycloakAdmin.allowGatewayOrigin(KEYCLOAK, "https://localhost:" + port);
    }

    @Test
    void redisHoldsNothingReadableOfASignedInPatient() throws Exception {
        TestUser user = patient("at-rest");
        BrowserContext computer = computer(chromium);
        Page page = computer.newPage();
        signInAndSeeTheRecord(page, user, "at-rest-signed-in");

        Map<String, byte[]> values = sessionValues();
        assertThat(values)
                .as("the session is in Redis under the test's namespace")
                .isNotEmpty();
        String sessionId = computer.cookies().stream()
                .filter(cookie -> cookie.name.equals("__Host-SESSION"))
                .findFirst()
                .orElseThrow()
                .value;
        String securityContext =
                REDIS_PREFIX + "session:sessions:" + sessionId + "#sessionAttr:SPRING_SECURITY_CONTEXT";
        assertThat(values).containsKey(securityContext);
        List<String> secrets = List.of(
                "eyJ", // every JWT: access, refresh and ID token
                user.username(),
                user.username() + "@example.org",
                user.patientId(),
                user.userId(),
                "Test Patient");
        values.forEach((key, value) -> {
            String text = new String(value, StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(text).as("value of %s", key).doesNotContain(secret);
                assertThat(key).doesNotContain(secret);
            }
            // 0xACED: the start of plain Java serialization
            assertThat(value.length >= 2 && value[0] == (byte) 0xAC && value[1] == (byte) 0xED)
                    .as("plain Java serialization in %s", key)
                    .isFalse();
        });

        // with the key from the gateway's environment the same value is the patient's session
        String opened = new String(open(values.get(securityContext)), StandardCharsets.ISO_8859_1);
        assertThat(opened).contains(user.patientId()).contains(user.username()).contains("eyJ");
        computer.close();
    }

    @Test
    void afterTheIdleTimeoutTheNextPersonMustEnterAPassword() throws Exception {
        TestUser user = patient("shared-computer");
        BrowserContext computer = computer(chromium);
        Page page = computer.newPage();
        signInAndSeeTheRecord(page, user, "shared-1-signed-in");
        assertThat(KeycloakAdmin.userSessions(KEYCLOAK, user.userId())).hasSize(1);

        // the patient walks away; nothing is touched for longer than the gateway's idle timeout
        Thread.sleep(IDLE_TIMEOUT.plusSeconds(4));

        // the gateway ended the Keycloak session over the back channel, without the browser's help
        // (Redis expires the idle session on its own clock; Spring Session's once-a-minute sweep backs it up)
        JsonNode left = awaitNoKeycloakSession(user, Duration.ofSeconds(75));
        assertThat(left).as("Keycloak sessions of the patient").isEmpty();

        // the next person at the same computer opens the portal and clicks "Sign in"
        page.navigate("https://localhost:" + port + "/");
        page.waitForSelector("#sign-in", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
        chromium.screenshot(page, "shared-2-after-idle");
        page.click("#sign-in");
        awaitPasswordFormOrRecord(page);
        chromium.screenshot(page, "shared-3-next-person-signs-in");
        assertThat(page.isVisible("#password"))
                .as("Keycloak asks for the password")
                .isTrue();
        assertThat(page.url()).startsWith(KEYCLOAK.issuerUri() + "/");
        assertThat(page.content()).doesNotContain("Peanut").doesNotContain(user.patientId());
        computer.close();
    }

    @Test
    void evenWithKeycloaksSessionStillAliveASignInAsksForThePassword() {
        TestUser user = patient("still-alive");
        BrowserContext computer = computer(chromium);
        Page page = computer.newPage();
        signInAndSeeTheRecord(page, user, "alive-1-signed-in");
        // the portal's cookie is gone (the browser was closed, a timeout the gateway could not report to Keycloak),
        // Keycloak's own cookies stay: its SSO session is alive
        List<com.microsoft.playwright.options.Cookie> keycloakOnly = computer.cookies().stream()
                .filter(cookie -> !cookie.name.equals("__Host-SESSION"))
                .toList();
        computer.clearCookies();
        computer.addCookies(keycloakOnly);
        assertThat(KeycloakAdmin.userSessions(KEYCLOAK, user.userId())).hasSize(1);

        page.navigate("https://localhost:" + port + "/");
        page.click("#sign-in");
        awaitPasswordFormOrRecord(page);
        chromium.screenshot(page, "alive-2-password-asked");
        assertThat(page.isVisible("#password"))
                .as("Keycloak asks for the password")
                .isTrue();
        assertThat(page.url()).startsWith(KEYCLOAK.issuerUri() + "/");
        assertThat(page.content()).doesNotContain("Peanut");
        computer.close();
    }

    private void signInAndSeeTheRecord(Page page, TestUser user, String screenshot) {
        page.navigate("https://localhost:" + port + "/");
        page.click("#sign-in");
        page.waitForSelector("#username", new Page.WaitForSelectorOptions().setTimeout(30_000));
        page.fill("#username", user.username());
        page.fill("#password", user.password());
        page.click("#kc-login");
        page.waitForSelector(
                "#summary",
                new Page.WaitForSelectorOptions()
                        .setState(WaitForSelectorState.VISIBLE)
                        .setTimeout(30_000));
        page.waitForSelector("text=Peanut", new Page.WaitForSelectorOptions().setTimeout(30_000));
        chromium.screenshot(page, screenshot);
        assertThat(page.url()).isEqualTo("https://localhost:" + port + "/");
    }

    /** Whichever comes: Keycloak's password form, or the portal showing a record. */
    private static void awaitPasswordFormOrRecord(Page page) {
        page.waitForSelector(
                "#password, #summary",
                new Page.WaitForSelectorOptions()
                        .setState(WaitForSelectorState.VISIBLE)
                        .setTimeout(30_000));
    }

    private static JsonNode awaitNoKeycloakSession(TestUser user, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode sessions = KeycloakAdmin.userSessions(KEYCLOAK, user.userId());
        while (!sessions.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(500);
            sessions = KeycloakAdmin.userSessions(KEYCLOAK, user.userId());
        }
        return sessions;
    }

    /** Every value under the test's session namespace, by key (hash fields as key#field), read raw from Redis. */
    private static Map<String, byte[]> sessionValues() {
        RedisServer redis = RedisServer.shared();
        RedisClient client = RedisClient.create("redis://" + redis.host() + ":" + redis.port());
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> redisCommands = connection.sync();
            Map<String, byte[]> values = new LinkedHashMap<>();
            for (byte[] key : redisCommands.keys((REDIS_PREFIX + "session*").getBytes(StandardCharsets.UTF_8))) {
                String name = new String(key, StandardCharsets.UTF_8);
                switch (redisCommands.type(key)) {
                    case "hash" ->
                        redisCommands
                                .hgetall(key)
                                .forEach((field, value) ->
                                        values.put(name + "#" + new String(field, StandardCharsets.UTF_8), value));
                    case "string" -> values.put(name, redisCommands.get(key));
                    case "set" -> {
                        List<byte[]> members = new ArrayList<>(redisCommands.smembers(key));
                        for (int i = 0; i < members.size(); i++) {
                            values.put(name + "#" + i, members.get(i));
                        }
                    }
                    case "zset" -> {
                        List<byte[]> members = redisCommands.zrange(key, 0, -1);
                        for (int i = 0; i < members.size(); i++) {
                            values.put(name + "#" + i, members.get(i));
                        }
                    }
                    default -> values.put(name, new byte[0]);
                }
            }
            return values;
        } finally {
            client.shutdown();
        }
    }

    /** Opens a sealed value the way the gateway does: version, key id, nonce, AES-GCM ciphertext. */
    private static byte[] open(byte[] sealed) throws Exception {
        assertThat(sealed[0]).isEqualTo((byte) 1);
        int idLength = sealed[1] & 0xff;
        String keyId = new String(sealed, 2, idLength, StandardCharsets.UTF_8);
        assertThat(keyId).isEqualTo(SESSION_KEY_ID);
        int header = 2 + idLength;
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(Base64.getDecoder().decode(SESSION_KEY), "AES"),
                new GCMParameterSpec(128, Arrays.copyOfRange(sealed, header, header + 12)));
        cipher.updateAAD(sealed, 0, header);
        return cipher.doFinal(sealed, header + 12, sealed.length - header - 12);
    }
}
