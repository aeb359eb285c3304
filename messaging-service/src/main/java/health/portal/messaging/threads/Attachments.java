package health.portal.messaging.threads;

import com.google.protobuf.ByteString;
import health.portal.platform.problem.FieldProblem;
import health.portal.platform.problem.Problems;
import health.portal.proto.records.v1.Attachment;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** The attachment limits of API.md, checked before anything is stored or sealed. */
final class Attachments {

    static final int MAX_COUNT = 3;
    static final int MAX_BYTES = 1024 * 1024;
    static final Set<String> TYPES = Set.of("application/pdf", "image/jpeg", "image/png", "text/plain");

    /** What the patient sends: base64 data. */
    record Upload(String contentType, String title, String data) {}

    private Attachments() {}

    static List<Attachment> decode(List<Upload> uploads) {
        if (uploads == null || uploads.isEmpty()) {
            return List.of();
        }
        if (uploads.size() > MAX_COUNT) {
            throw Problems.field("attachments", "At most " + MAX_COUNT + " attachments.");
        }
        List<FieldProblem> problems = new ArrayList<>();
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            Upload upload = uploads.get(i);
            String field = "attachments[" + i + "]";
            if (upload == null) {
                problems.add(new FieldProblem(field, "must not be null"));
                continue;
            }
            String type = upload.contentType() == null
                    ? ""
                    : upload.contentType().trim().toLowerCase();
            if (!TYPES.contains(type)) {
                problems.add(new FieldProblem(
                        field + ".contentType", "Only PDF, JPEG, PNG or plain text files can be attached."));
            }
            if (upload.title() == null
                    || upload.title().isBlank()
                    || upload.title().length() > 200) {
                problems.add(new FieldProblem(field + ".title", "A file name of 1 to 200 characters is required."));
            }
            byte[] data = decodeBase64(upload.data());
            if (data == null || data.length == 0) {
                problems.add(new FieldProblem(field + ".data", "The file content must be non-empty base64."));
            } else if (data.length > MAX_BYTES) {
                problems.add(new FieldProblem(field + ".data", "A file may be at most 1 MB."));
            }
            if (problems.isEmpty()) {
                attachments.add(Attachment.newBuilder()
                        .setContentType(type)
                        .setTitle(upload.title())
                        .setData(ByteString.copyFrom(data))
                        .setSize(data.length)
                        .build());
            }
        }
        if (!problems.isEmpty()) {
            throw Problems.fields(problems);
        }
        return attachments;
    }

    private static byte[] decodeBase64(String data) {
        if (data == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(data.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
