package health.portal.platform.security.sealing;

import com.google.protobuf.ByteString;
import health.portal.proto.records.v1.SealedContent;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Sealing to the inner zone: bytes that a service outside it must hold for a while (a message waiting for the EMR)
 * are sealed to records-service's public key, so that no store outside the inner zone can read them. A fresh
 * AES-256-GCM key per box, wrapped with RSA-OAEP (SHA-256, MGF1 SHA-256); the patient id is the associated data, so
 * that a box cannot be passed off as another patient's.
 */
public final class SealedBox {

    private static final String WRAP = "RSA/ECB/OAEPWithSHA-256AndMGF1Padding";
    private static final OAEPParameterSpec OAEP =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final String SEAL = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedBox() {}

    /** Seals {@code plaintext} of {@code patientId} to the key {@code keyId}. */
    public static SealedContent seal(String keyId, PublicKey publicKey, String patientId, byte[] plaintext) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            SecretKey contentKey = generator.generateKey();
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher seal = Cipher.getInstance(SEAL);
            seal.init(Cipher.ENCRYPT_MODE, contentKey, new GCMParameterSpec(TAG_BITS, nonce));
            seal.updateAAD(patientId.getBytes(StandardCharsets.UTF_8));
            byte[] ciphertext = seal.doFinal(plaintext);
            Cipher wrap = Cipher.getInstance(WRAP);
            wrap.init(Cipher.WRAP_MODE, publicKey, OAEP);
            return SealedContent.newBuilder()
                    .setKeyId(keyId)
                    .setWrappedKey(ByteString.copyFrom(wrap.wrap(contentKey)))
                    .setNonce(ByteString.copyFrom(nonce))
                    .setCiphertext(ByteString.copyFrom(ciphertext))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot seal: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a box sealed for {@code patientId} with the private key it names.
     *
     * @throws UnreadableBoxException a box for another key or another patient, or altered
     */
    public static byte[] open(String keyId, PrivateKey privateKey, String patientId, SealedContent box) {
        if (!keyId.equals(box.getKeyId())) {
            throw new UnreadableBoxException("sealed to key '" + box.getKeyId() + "', not to '" + keyId + "'");
        }
        try {
            Cipher unwrap = Cipher.getInstance(WRAP);
            unwrap.init(Cipher.UNWRAP_MODE, privateKey, OAEP);
            SecretKey contentKey =
                    (SecretKey) unwrap.unwrap(box.getWrappedKey().toByteArray(), "AES", Cipher.SECRET_KEY);
            Cipher open = Cipher.getInstance(SEAL);
            open.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(contentKey.getEncoded(), "AES"),
                    new GCMParameterSpec(TAG_BITS, box.getNonce().toByteArray()));
            open.updateAAD(patientId.getBytes(StandardCharsets.UTF_8));
            return open.doFinal(box.getCiphertext().toByteArray());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new UnreadableBoxException("cannot open: " + e.getClass().getSimpleName());
        }
    }

    /** An RSA public key from PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
    public static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key: " + e.getMessage(), e);
        }
    }

    /** An RSA private key from PEM ({@code -----BEGIN PRIVATE KEY-----}, PKCS #8). */
    public static PrivateKey privateKey(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA private key: " + e.getMessage(), e);
        }
    }

    /** PEM text of a key ({@code PUBLIC KEY} or {@code PRIVATE KEY}), as {@link #publicKey} and {@link #privateKey} read. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem, String type) {
        String body = pem.replace("-----BEGIN " + type + "-----", "")
                .replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /** A box this key cannot open. */
    public static final class UnreadableBoxException extends RuntimeException {
        UnreadableBoxException(String message) {
            super(message);
        }
    }
}
