package health.portal.identity.accesslog;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The chain's MAC: HMAC-SHA256 over an entry's sequence number, its content and the previous entry's MAC, under a key
 * that is configured, never stored in the database. Someone who can rewrite the tables (their owner, a superuser)
 * but has not got the key can edit, remove or reorder entries only in ways that {@link ChainVerification} sees.
 */
@Component
class ChainMac {

    static final String GENESIS = "0".repeat(64);
    static final String LOCAL_KEY_SUFFIX = "-local-secret";
    private static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    ChainMac(AccessLogProperties properties, Environment environment) {
        this.key = new SecretKeySpec(usableKey(properties.macKey(), environment), ALGORITHM);
    }

    /** The key's bytes, or why the service must not start with it. */
    static byte[] usableKey(String key, Environment environment) {
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("portal.access-log.mac-key (env ACCESS_LOG_MAC_KEY) is not set: the access"
                    + " log is chained with HMAC-SHA256 under this key, which must be kept outside the database");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalStateException(
                    "portal.access-log.mac-key must be at least " + MIN_KEY_BYTES + " bytes, is " + bytes.length);
        }
        // a value of the repository's local form is known to everyone who can read the repository
        if (key.endsWith(LOCAL_KEY_SUFFIX) && !environment.acceptsProfiles(Profiles.of("local"))) {
            throw new IllegalStateException("portal.access-log.mac-key is a local development key (*" + LOCAL_KEY_SUFFIX
                    + "), refused outside the Spring profile 'local'");
        }
        return bytes;
    }

    String of(StoredEntry e) {
        StringBuilder canonical =
                new StringBuilder().append(e.seq()).append('|').append(e.prevMac());
        for (String field : new String[] {
            e.source(),
            e.sourceId(),
            e.patientId(),
            e.userId(),
            e.occurredAt().toString(),
            e.recordedAt().toString(),
            e.category(),
            e.action(),
            e.outcome(),
            e.actorId(),
            e.actorType(),
            e.clientIp(),
            e.device(),
            e.detail()
        }) {
            // length-prefixed so that moving text between fields changes the MAC; null differs from ""
            canonical.append('|').append(field == null ? "-1:" : field.length() + ":" + field);
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Whether the entry's stored MAC is the one its content and place in the chain give (constant time). */
    boolean matches(StoredEntry e) {
        return e.entryMac() != null
                && MessageDigest.isEqual(
                        of(e).getBytes(StandardCharsets.US_ASCII), e.entryMac().getBytes(StandardCharsets.US_ASCII));
    }
}
