package health.portal.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.platform.security.sealing.SealedBox;
import health.portal.proto.records.v1.SealedContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

/**
 * The key pair a local run hands out: what messaging-service seals with the public half (its PEM as passed), only
 * records-service's private half of the same run opens; another run's key cannot.
 */
class SealingKeysTest {

    @Test
    void whatMessagingSealsOnlyThisRunsRecordsServiceOpens() {
        SealingKeys run = SealingKeys.generate();
        byte[] body = "Is my dose right?".getBytes(StandardCharsets.UTF_8);

        SealedContent box = SealedBox.seal(run.keyId(), SealedBox.publicKey(run.publicKeyPem()), "demo-alex", body);

        assertThat(run.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(run.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(SealedBox.open(run.keyId(), SealedBox.privateKey(run.privateKeyPem()), "demo-alex", box))
                .isEqualTo(body);
        SealingKeys other = SealingKeys.generate();
        assertThat(other.keyId()).isNotEqualTo(run.keyId());
        assertThatThrownBy(() ->
                        SealedBox.open(run.keyId(), SealedBox.privateKey(other.privateKeyPem()), "demo-alex", box))
                .isInstanceOf(SealedBox.UnreadableBoxException.class);
        assertThat(run.toString()).doesNotContain(run.privateKeyPem().substring(40, 80));
    }
}
