package health.portal.gateway.security;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * AES-256-GCM for the values the gateway keeps in Redis. Every value names the key that sealed it, so that keys can
 * be rotated: the first key of the ring seals, every key of the ring opens. Putting a new key first and keeping the
 * old one behind it for one absolute session lifetime (8 h) lets every live session be read until it ends.
 * <p>
 * A sealed value is {@code version (1) | key id length (1) | key id | nonce (12) | ciphertext and tag}; the version
 * and the key id are authenticated too, so neither can be swapped without the tag failing.
 */
final class SessionEncryption {

    private static final byte VERSION = 1;

    private static final int NONCE_BYTES = 12;

    private static final int TAG_BITS = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String sealingKeyId;

    private final Map<String, SecretKeySpec> keys;

    private SessionEncryption(String sealingKeyId, Map<String, SecretKeySpec> keys) {
        this.sealingKeyId = sealingKeyId;
        this.keys = keys;
    }

    /**
     * Parses a key ring written as {@code id:base64key[,id:base64key...]}, each key 32 random bytes (e.g.
     * {@code openssl rand -base64 32}); the first key seals.
     */
    static SessionEncryption parse(String ring) {
        if (ring == null || ring.isBlank()) {
            throw new IllegalArgumentException("no session encryption key: set GATEWAY_SESSION_ENCRYPTION_KEYS to "
                    + "id:base64-of-32-random-bytes (first key encrypts, all decrypt)");
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        for (String entry : ring.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("a session encryption key must be written id:base64key");
            }
            String id = trimmed.substring(0, colon);
            if (id.getBytes(StandardCharsets.UTF_8).length > 64) {
                throw new IllegalArgumentException("session encryption key id longer than 64 bytes: " + id);
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(trimmed.substring(colon + 1));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("session encryption key " + id + " is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException(
                        "session encryption key " + id + " has " + key.length + " bytes; AES-256 needs 32");
            }
            if (keys.put(id, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException("session encryption key id " + id + " appears twice");
            }
        }
        return new SessionEncryption(keys.keySet().iterator().next(), Map.copyOf(keys));
    }

    String sealingKeyId() {
        return sealingKeyId;
    }

    byte[] seal(byte[] plaintext) {
        byte[] header = header(sealingKeyId);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(header.length + nonce.length + sealed.length)
                    .put(header)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    /** The plaintext, or empty when the value is not ours, is damaged, or was sealed with a key no longer held. */
    Optional<byte[]> open(byte[] value) {
        if (value.length < 2 || value[0] != VERSION) {
            return Optional.empty();
        }
        int idLength = value[1] & 0xff;
        int headerLength = 2 + idLength;
        if (value.length < headerLength + NONCE_BYTES + TAG_BITS / 8) {
            return Optional.empty();
        }
        String keyId = new String(value, 2, idLength, StandardCharsets.UTF_8);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, value, headerLength, NONCE_BYTES));
            cipher.updateAAD(value, 0, headerLength);
            return Optional.of(
                    cipher.doFinal(value, headerLength + NONCE_BYTES, value.length - headerLength - NONCE_BYTES));
        } catch (AEADBadTagException tampered) {
            return Optional.empty();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM unavailable", ex);
        }
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[2 + id.length];
        header[0] = VERSION;
        header[1] = (byte) id.length;
        System.arraycopy(id, 0, header, 2, id.length);
        return header;
    }

    @Override
    public String toString() {
        return "SessionEncryption[sealing key " + sealingKeyId + ", " + keys.size() + " key(s)]";
    }
}
