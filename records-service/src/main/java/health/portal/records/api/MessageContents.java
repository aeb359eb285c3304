package health.portal.records.api;

import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.MessageContent;
import health.portal.records.sealing.SealedMessages;

import java.util.Set;

/**
 * The content of a message to file: opened from its sealed box, or as sent in the clear, and within the limits of
 * messaging-service/API.md. Messages name only the limit they break, never what they hold.
 */
final class MessageContents {

    static final int MAX_SUBJECT_CHARS = 200;
    static final int MAX_TEXT_CHARS = 10_000;
    static final int MAX_ATTACHMENTS = 3;
    static final int MAX_ATTACHMENT_BYTES = 1024 * 1024;
    static final int MAX_TITLE_CHARS = 255;
    static final Set<String> CONTENT_TYPES = Set.of("application/pdf", "image/jpeg", "image/png", "text/plain");

    private MessageContents() {}

    static MessageContent of(FileCommunicationRequest request, SealedMessages sealed) {
        MessageContent content;
        if (request.hasSealed()) {
            if (!request.getSubject().isEmpty() || !request.getText().isEmpty()) {
                throw new IllegalArgumentException("a sealed message carries its subject and text only in the box");
            }
            content = sealed.open(request.getPatientId(), request.getSealed());
        } else {
            content = MessageContent.newBuilder()
                    .setSubject(request.getSubject())
                    .setText(request.getText())
                    .build();
        }
        return valid(content);
    }

    private static MessageContent valid(MessageContent c) {
        if (c.getSubject().codePointCount(0, c.getSubject().length()) > MAX_SUBJECT_CHARS) {
            throw new IllegalArgumentException("subject must be at most " + MAX_SUBJECT_CHARS + " characters");
        }
        int text = c.getText().codePointCount(0, c.getText().length());
        if (c.getText().isBlank() || text > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("text must be 1-" + MAX_TEXT_CHARS + " characters");
        }
        if (c.getAttachmentsCount() > MAX_ATTACHMENTS) {
            throw new IllegalArgumentException("at most " + MAX_ATTACHMENTS + " attachments");
        }
        for (Attachment a : c.getAttachmentsList()) {
            if (!CONTENT_TYPES.contains(a.getContentType())) {
                throw new IllegalArgumentException("attachments must be one of " + CONTENT_TYPES);
            }
            if (a.getData().isEmpty() || a.getData().size() > MAX_ATTACHMENT_BYTES) {
                throw new IllegalArgumentException("an attachment must hold 1 byte to 1 MiB");
            }
            if (a.getTitle().length() > MAX_TITLE_CHARS) {
                throw new IllegalArgumentException(
                        "an attachment's title must be at most " + MAX_TITLE_CHARS + " characters");
            }
        }
        return c;
    }
}
