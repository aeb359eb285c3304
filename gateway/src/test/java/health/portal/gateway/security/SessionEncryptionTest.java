package health.portal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Sealing session values, and rotating the key without signing every patient out. */
class SessionEncryptionTest {

    private static final String OLD = "2026-06:" + key();

    private static final String NEW = "2026-12:" + key();

    private static final byte[] VALUE = "refresh token of a patient".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSealedValueHidesItsContentAndOpensWithTheSameRing() {
        SessionEncryption ring = SessionEncryption.parse(NEW);
        byte[] sealed = ring.seal(VALUE);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("refresh token");
        assertThat(ring.seal(VALUE)).as("a new nonce every time").isNotEqualTo(sealed);
        assertThat(ring.open(sealed)).hasValue(VALUE);
    }

    @Test
    void afterRotationValuesSealedWithTheOldKeyStillOpenAndNewOnesUseTheNewKey() {
        byte[] beforeRotation = SessionEncryption.parse(OLD).seal(VALUE);
        SessionEncryption rotated = SessionEncryption.parse(NEW + "," + OLD);
        assertThat(rotated.sealingKeyId()).isEqualTo("2026-12");
        assertThat(rotated.open(beforeRotation)).hasValue(VALUE);
        byte[] afterRotation = rotated.seal(VALUE);
        assertThat(SessionEncryption.parse(NEW).open(afterRotation)).hasValue(VALUE);
        // once the old key is dropped, what it sealed is unreadable (and its session treated as absent)
        assertThat(SessionEncryption.parse(NEW).open(beforeRotation)).isEmpty();
    }

    @Test
    void anAlteredValueOrKeyIdDoesNotOpen() {
        SessionEncryption ring = SessionEncryption.parse(NEW + "," + OLD);
        byte[] sealed = ring.seal(VALUE);
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThat(ring.open(flipped)).isEmpty();
        // the key id is authenticated: relabelling a value for the other key of the ring fails too
        byte[] relabelled = sealed.clone();
        byte[] otherId = "2026-06".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(otherId, 0, relabelled, 2, otherId.length);
        assertThat(ring.open(relabelled)).isEmpty();
        assertThat(ring.open(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5})).isEmpty();
    }

    @Test
    void aMissingOrWeakKeyStopsTheStart() {
        assertThatThrownBy(() -> SessionEncryption.parse(null)).hasMessageContaining("GATEWAY_SESSION_ENCRYPTION_KEYS");
        assertThatThrownBy(() -> SessionEncryption.parse("")).hasMessageContaining("GATEWAY_SESSION_ENCRYPTION_KEYS");
        assertThatThrownBy(() ->
                        SessionEncryption.parse("k1:" + Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32");
        assertThatThrownBy(() -> SessionEncryption.parse(key())).hasMessageContaining("id:base64key");
        assertThatThrownBy(() -> SessionEncryption.parse("k1:not base64!")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> SessionEncryption.parse("k1:" + key() + ",k1:" + key()))
                .hasMessageContaining("twice");
    }

    private static String key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
