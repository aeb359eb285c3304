package health.portal.emr.adapter;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a patient's list, newest first. The page token is opaque to callers; it is an offset into the
 * sorted list, so it needs no server-side state (the EMR's own paging links expire and point at the EMR).
 */
public record Page<T>(List<T> items, String nextPageToken) {

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;

    /** Cuts one page out of the full sorted list. */
    public static <T> Page<T> slice(List<T> all, int pageSize, String pageToken) {
        int size = effectiveSize(pageSize);
        int offset = decodeToken(pageToken);
        if (offset >= all.size()) {
            return new Page<>(List.of(), "");
        }
        int end = Math.min(all.size(), offset + size);
        String next = end < all.size() ? encodeToken(end) : "";
        return new Page<>(List.copyOf(all.subList(offset, end)), next);
    }

    public static int effectiveSize(int pageSize) {
        if (pageSize < 0) {
            throw new IllegalArgumentException("page_size must not be negative");
        }
        return pageSize == 0 ? DEFAULT_SIZE : Math.min(pageSize, MAX_SIZE);
    }

    static String encodeToken(int offset) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("o:" + offset).getBytes(StandardCharsets.US_ASCII));
    }

    static int decodeToken(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            if (!raw.startsWith("o:")) {
                throw new IllegalArgumentException("page_token is not valid");
            }
            int offset = Integer.parseInt(raw.substring(2));
            if (offset < 0) {
                throw new IllegalArgumentException("page_token is not valid");
            }
            return offset;
        } catch (IllegalArgumentException e) { // includes NumberFormatException and bad Base64
            throw new IllegalArgumentException("page_token is not valid", e);
        }
    }
}
