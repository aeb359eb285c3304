package health.portal.infra.keycloak;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.time.Instant;

/**
 * A named member of staff as tests and the local launcher create one: their own password and their own authenticator
 * app (the TOTP secret Keycloak holds for them), so that every staff sign-in passes the second factor as a person's
 * would.
 */
public final class StaffUser {

    private static final TimeBasedOneTimePasswordGenerator APP = new TimeBasedOneTimePasswordGenerator();

    private final String userId;
    private final String username;
    private final String password;
    private final SecretKeySpec totpKey;
    private long lastWindow = -1;

    /** @param totpSecret the secret as Keycloak stores it (its UTF-8 bytes are the HMAC key) */
    public StaffUser(String userId, String username, String password, String totpSecret) {
        this.userId = userId;
        this.username = username;
        this.password = password;
        this.totpKey = new SecretKeySpec(totpSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    }

    public String userId() {
        return userId;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /**
     * The code the staff member's app shows now. Keycloak accepts each code once: a second sign-in within the same
     * 30 seconds waits for the next code, as the person would.
     */
    public synchronized String oneTimeCode() {
        long step = APP.getTimeStep().toMillis();
        long window = System.currentTimeMillis() / step;
        if (window == lastWindow) {
            sleep(Duration.ofMillis((window + 1) * step - System.currentTimeMillis() + 50));
            window = System.currentTimeMillis() / step;
        }
        lastWindow = window;
        try {
            return APP.generateOneTimePasswordString(totpKey, Instant.ofEpochMilli(window * step));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
