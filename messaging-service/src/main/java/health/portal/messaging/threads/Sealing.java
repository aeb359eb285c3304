package health.portal.messaging.threads;

import health.portal.platform.security.sealing.SealedBox;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.SealedContent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.security.PublicKey;

/**
 * Seals a message's content to records-service's public key: this service can write such a box but never open it,
 * so a message waiting for the EMR is unreadable in this zone's database, backups included.
 */
@Component
class Sealing {

    private final String keyId;
    private final PublicKey publicKey;

    Sealing(
            @Value("${portal.messaging.sealing.key-id}") String keyId,
            @Value("${portal.messaging.sealing.public-key}") String publicKeyPem) {
        this.keyId = keyId;
        this.publicKey = SealedBox.publicKey(publicKeyPem);
    }

    SealedContent seal(String patientId, MessageContent content) {
        return SealedBox.seal(keyId, publicKey, patientId, content.toByteArray());
    }
}
