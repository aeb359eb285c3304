package health.portal.records.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.platform.security.sealing.SealedBox;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.SealedContent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;

/** Without a configured key the service starts and refuses only sealed messages; a key id without a key is a mistake. */
class SealedMessagesTest {

    @Test
    void withoutAKeySealedMessagesAreRefusedAsAPrecondition() throws Exception {
        KeyPair pair = pair();
        SealedContent box = SealedBox.seal(
                "k1",
                pair.getPublic(),
                "demo-alex",
                MessageContent.newBuilder().setText("hi").build().toByteArray());
        SealedMessages none = new SealedMessages(new SealingProperties(null, ""));
        assertThatThrownBy(() -> none.open("demo-alex", box))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

        SealedMessages configured = new SealedMessages(new SealingProperties(
                "k1", SealedBox.pem("PRIVATE KEY", pair.getPrivate().getEncoded())));
        assertThat(configured.open("demo-alex", box).getText()).isEqualTo("hi");
        assertThatThrownBy(() -> configured.open("demo-sam", box)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SealedMessages(new SealingProperties("k1", null)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SealedMessages(new SealingProperties("k1", "-----BEGIN PRIVATE KEY-----\\nAAAA")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("AAAA");
    }

    private static KeyPair pair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
