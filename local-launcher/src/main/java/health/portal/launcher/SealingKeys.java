package health.portal.launcher;

import health.portal.platform.security.sealing.SealedBox;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.HexFormat;

/**
 * records-service's sealing key pair of one local run (platform-security {@link SealedBox}): records-service gets the
 * private key, messaging-service the public one and the key id, so that a message waiting for the EMR is held as
 * ciphertext only the inner zone can open. New at every start, like the run's databases: nothing sealed outlives it.
 */
record SealingKeys(String keyId, String publicKeyPem, String privateKeyPem) {

    static SealingKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(3072);
            KeyPair pair = generator.generateKeyPair();
            byte[] id = new byte[4];
            new java.security.SecureRandom().nextBytes(id);
            return new SealingKeys(
                    "local-" + HexFormat.of().formatHex(id),
                    SealedBox.pem("PUBLIC KEY", pair.getPublic().getEncoded()),
                    SealedBox.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no RSA key pair generator", e);
        }
    }

    @Override
    public String toString() {
        return "SealingKeys[" + keyId + "]"; // never the private key in a log line
    }
}
