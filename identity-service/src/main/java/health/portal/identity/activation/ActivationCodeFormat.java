package health.portal.identity.activation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Activation codes look like {@code 7KQ4M-XH2TD-9WRPB}: 15 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L, U/V kept apart by dropping U), about 73 bits of randomness. Only a SHA-256 hash is stored; with
 * that much randomness a plain hash cannot be reversed by guessing.
 */
public final class ActivationCodeFormat {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 15;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ActivationCodeFormat() {}

    public static String generate() {
        StringBuilder code = new StringBuilder(LENGTH + 2);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 5 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** The 15 significant characters, upper case, without dashes and spaces; empty if it cannot be a code. */
    public static Optional<String> normalize(String input) {
        if (input == null || input.length() > 40) {
            return Optional.empty();
        }
        String compact = input.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (compact.length() != LENGTH || !compact.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(compact);
    }

    public static String hash(String normalized) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
