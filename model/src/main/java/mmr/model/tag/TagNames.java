package mmr.model.tag;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One spelling per tag: "White  Background" and "white background" are the same tag.
 * Import and query both go through {@link #normalise(String)}.
 */
public final class TagNames {
    /** Longer "tags" are sentences or pasted junk, not concepts. */
    public static final int MAX_LENGTH = 200;

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private TagNames() {}

    /** Unicode NFC, trimmed, lower-cased (root locale), inner whitespace collapsed to one space. */
    public static String normalise(String raw) {
        String nfc = Normalizer.normalize(raw, Normalizer.Form.NFC);
        return WHITESPACE.matcher(nfc.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** Why {@code raw} cannot be a tag, or empty when {@link #normalise} of it is a valid name. */
    public static Optional<String> problem(String raw) {
        if (raw == null) {
            return Optional.of("tag is null");
        }
        String name = normalise(raw);
        if (name.isEmpty()) {
            return Optional.of("tag is empty after trimming");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("tag has " + name.length() + " characters; at most " + MAX_LENGTH
                    + " are accepted");
        }
        if (name.chars().anyMatch(c -> Character.isISOControl(c))) {
            return Optional.of("tag contains control characters");
        }
        return Optional.empty();
    }
}
