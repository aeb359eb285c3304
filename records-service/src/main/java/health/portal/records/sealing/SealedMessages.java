package health.portal.records.sealing;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.platform.security.sealing.SealedBox;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.SealedContent;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import java.security.PrivateKey;

/**
 * Opens the content of a message that messaging-service could hold only sealed (it waited for the EMR). The opened
 * content lives only for the length of the call that files it.
 */
@Component
@EnableConfigurationProperties(SealingProperties.class)
public class SealedMessages {

    private static final Logger log = LoggerFactory.getLogger(SealedMessages.class);

    private final String keyId;
    private final PrivateKey privateKey;

    public SealedMessages(SealingProperties properties) {
        boolean hasId = properties.keyId() != null && !properties.keyId().isBlank();
        boolean hasKey =
                properties.privateKey() != null && !properties.privateKey().isBlank();
        if (hasId != hasKey) {
            throw new IllegalStateException("records.sealing.key-id and records.sealing.private-key go together");
        }
        this.keyId = hasId ? properties.keyId().strip() : null;
        this.privateKey = hasKey ? privateKey(properties.privateKey()) : null;
        if (!hasKey) {
            // the service still serves everything else; only sealed messages wait until a key is configured
            log.warn("No records.sealing key configured: sealed FileCommunication requests are refused");
        }
    }

    private static PrivateKey privateKey(String pem) {
        try {
            return SealedBox.privateKey(pem);
        } catch (IllegalArgumentException e) {
            // never the key's text in the message
            throw new IllegalStateException("records.sealing.private-key is not a PEM PKCS #8 RSA private key");
        }
    }

    /**
     * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION when no key is configured
     * @throws IllegalArgumentException       a box for another key or patient, altered, or not a MessageContent
     */
    public MessageContent open(String patientId, SealedContent box) {
        if (privateKey == null) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("records-service has no sealing key configured; sealed messages cannot be filed")
                    .asRuntimeException();
        }
        byte[] plain;
        try {
            plain = SealedBox.open(keyId, privateKey, patientId, box);
        } catch (SealedBox.UnreadableBoxException e) {
            throw new IllegalArgumentException(
                    "sealed content does not open with records-service's key for this patient (another key, another"
                            + " patient, or altered)");
        }
        try {
            return MessageContent.parseFrom(plain);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("sealed content is not a MessageContent");
        }
    }
}
