package health.portal.emr.adapter;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.FiledMessage;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.StringType;

import java.util.Optional;

/** Communication <-> FiledMessage: what the portal files and how it reads it back. */
final class MessageMapping {

    private MessageMapping() {}

    static Optional<String> identifier(Communication c, String system) {
        return c.getIdentifier().stream()
                .filter(i -> system.equals(i.getSystem()) && i.hasValue())
                .map(Identifier::getValue)
                .findFirst();
    }

    /** @param withData whether attachments carry their bytes, or only type, title and size */
    static FiledMessage filedMessage(Communication c, String patientId, boolean withData) {
        FiledMessage.Builder b = FiledMessage.newBuilder()
                .setCommunicationId(c.getIdElement().getIdPart())
                .setThreadId(identifier(c, EmrClient.THREAD_SYSTEM).orElse(""))
                .setIdempotencyKey(identifier(c, EmrClient.COMMUNICATION_KEY_SYSTEM)
                        .filter(v -> v.startsWith(patientId + ":"))
                        .map(v -> v.substring(patientId.length() + 1))
                        .orElse(""))
                .setSenderReference(c.hasSender() ? nz(c.getSender().getReference()) : "")
                .setRecipientReference(
                        c.hasRecipient() ? nz(c.getRecipientFirstRep().getReference()) : "")
                .setSubject(c.hasTopic() ? nz(c.getTopic().getText()) : "")
                .setUrgent(c.getPriority() == Communication.CommunicationPriority.STAT
                        || c.getPriority() == Communication.CommunicationPriority.URGENT)
                .setCategory(category(c));
        if (c.hasSent()) {
            b.setSentAt(Timestamps.fromMillis(c.getSent().getTime()));
        }
        for (Communication.CommunicationPayloadComponent payload : c.getPayload()) {
            if (payload.getContent() instanceof StringType text && b.getText().isEmpty()) {
                b.setText(nz(text.getValue()));
            } else if (payload.getContent() instanceof org.hl7.fhir.r4.model.Attachment a) {
                b.addAttachments(attachment(a, withData));
            }
        }
        return b.build();
    }

    private static Attachment attachment(org.hl7.fhir.r4.model.Attachment a, boolean withData) {
        Attachment.Builder b =
                Attachment.newBuilder().setContentType(nz(a.getContentType())).setTitle(nz(a.getTitle()));
        byte[] data = a.hasData() ? a.getData() : new byte[0];
        b.setSize(a.hasSize() ? a.getSize() : data.length);
        if (withData) {
            b.setData(ByteString.copyFrom(data));
        }
        return b.build();
    }

    static org.hl7.fhir.r4.model.Attachment attachment(Attachment a) {
        return new org.hl7.fhir.r4.model.Attachment()
                .setContentType(a.getContentType())
                .setTitle(a.getTitle().isEmpty() ? null : a.getTitle())
                .setData(a.getData().toByteArray())
                .setSize(a.getData().size());
    }

    static CodeableConcept category(String code) {
        return new CodeableConcept().addCoding(new Coding(EmrClient.MESSAGE_CATEGORY_SYSTEM, code, null));
    }

    private static String category(Communication c) {
        for (CodeableConcept concept : c.getCategory()) {
            for (Coding coding : concept.getCoding()) {
                if (EmrClient.MESSAGE_CATEGORY_SYSTEM.equals(coding.getSystem()) && coding.hasCode()) {
                    return coding.getCode();
                }
            }
        }
        return "";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
