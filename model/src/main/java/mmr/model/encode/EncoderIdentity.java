package mmr.model.encode;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which encoder produced a feature vector. Stored in the graph so that features from different
 * encoders (or different versions of one) are never compared with each other.
 */
public record EncoderIdentity(String name, int dimension, String version) {
    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9_.:-]+)/(\\d+)/([A-Za-z0-9_.-]+)");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.:-]+");

    public EncoderIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        if (!PART.matcher(name).matches()) {
            throw new IllegalArgumentException("encoder name '" + name
                    + "' may only contain letters, digits and _ . : -");
        }
        if (!PART.matcher(version).matches() || version.contains(":")) {
            throw new IllegalArgumentException("encoder version '" + version
                    + "' may only contain letters, digits and _ . -");
        }
        if (dimension <= 0) {
            throw new IllegalArgumentException("encoder dimension must be positive, got " + dimension);
        }
    }

    /** Parses the {@code name/dimension/version} form written by {@link #toString()}. */
    public static EncoderIdentity parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("encoder identity '" + text
                    + "' is not of the form name/dimension/version, e.g. clip-vit-b32/512/1");
        }
        return new EncoderIdentity(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
    }

    @Override
    public String toString() {
        return name + "/" + dimension + "/" + version;
    }
}
