package health.portal.emr.sandbox.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One stored resource: the fields searches need, plus the JSON body kept deflated (bodies are read a page at a
 * time; compressing them keeps large sets affordable).
 */
final class StoredResource {

    final String type;
    final String id;
    final ResourceIndex index;
    final CloneFamily family;
    private final byte[] body;
    private final int bodyLength;

    StoredResource(String type, String id, ResourceIndex index, CloneFamily family, String json) {
        this.type = type;
        this.id = id;
        this.index = index;
        this.family = family;
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        this.bodyLength = raw.length;
        this.body = deflate(raw);
    }

    String json() {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(body);
            byte[] raw = new byte[bodyLength];
            int read = 0;
            while (read < bodyLength) {
                int n = inflater.inflate(raw, read, bodyLength - read);
                if (n == 0 && (inflater.finished() || inflater.needsInput())) {
                    break;
                }
                read += n;
            }
            return new String(raw, 0, read, StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt stored body of " + type + "/" + id, e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 3));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
