package health.portal.platform.security.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import health.portal.proto.records.v1.SealedContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

class SealedBoxTest {

    private static final byte[] TEXT = "canary-7f3a chest feels tight".getBytes(StandardCharsets.UTF_8);

    private final KeyPair records = keyPair();

    @Test
    void onlyThePrivateKeyOpensWhatWasSealedAndTheBoxHoldsNoPlaintext() {
        SealedContent box = SealedBox.seal("records-1", records.getPublic(), "p-1", TEXT);

        assertThat(box.toByteString().toStringUtf8()).doesNotContain("canary-7f3a");
        assertThat(SealedBox.open("records-1", records.getPrivate(), "p-1", box))
                .isEqualTo(TEXT);
        // fresh key and nonce per box
        assertThat(SealedBox.seal("records-1", records.getPublic(), "p-1", TEXT).getCiphertext())
                .isNotEqualTo(box.getCiphertext());
    }

    @Test
    void aBoxOfAnotherPatientAnotherKeyOrAlteredDoesNotOpen() {
        SealedContent box = SealedBox.seal("records-1", records.getPublic(), "p-1", TEXT);
        byte[] altered = box.getCiphertext().toByteArray();
        altered[0] ^= 1;

        assertThatThrownBy(() -> SealedBox.open("records-1", records.getPrivate(), "p-2", box))
                .isInstanceOf(SealedBox.UnreadableBoxException.class);
        assertThatThrownBy(() -> SealedBox.open("records-2", records.getPrivate(), "p-1", box))
                .isInstanceOf(SealedBox.UnreadableBoxException.class);
        assertThatThrownBy(() -> SealedBox.open("records-1", keyPair().getPrivate(), "p-1", box))
                .isInstanceOf(SealedBox.UnreadableBoxException.class);
        assertThatThrownBy(() -> SealedBox.open(
                        "records-1",
                        records.getPrivate(),
                        "p-1",
                        box.toBuilder()
                                .setCiphertext(ByteString.copyFrom(altered))
                                .build()))
                .isInstanceOf(SealedBox.UnreadableBoxException.class);
    }

    @Test
    void keysRoundTripThroughPem() {
        String publicPem = SealedBox.pem("PUBLIC KEY", records.getPublic().getEncoded());
        String privatePem = SealedBox.pem("PRIVATE KEY", records.getPrivate().getEncoded());

        SealedContent box = SealedBox.seal("k", SealedBox.publicKey(publicPem), "p-1", TEXT);
        assertThat(SealedBox.open("k", SealedBox.privateKey(privatePem), "p-1", box))
                .isEqualTo(TEXT);
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
