package mmr.model.encode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Opens an encoder from its user-facing spec: {@code descriptor}, {@code torchscript:<file>} or
 * {@code tfjs:<model>/<layer>} (a TF.js model's folder, or a name the caller resolves — e.g. one of
 * the models a package in the cache ships — and the layer whose pooled output is the feature).
 */
public final class Encoders {
    public static final String ACCEPTED = "'descriptor', 'torchscript:<path to .pt file>' or 'tfjs:<model folder or name>/<layer>'";
    private static final String TORCHSCRIPT = "torchscript:";

    private Encoders() {}

    public static ImageEncoder open(String spec) {
        return open(spec, name -> null);
    }

    /** @param models a TF.js model name to its folder, or null when the name is unknown */
    public static ImageEncoder open(String spec, Function<String, Path> models) {
        String s = spec == null ? "" : spec.strip();
        if (s.equalsIgnoreCase(DescriptorEncoder.NAME)) {
            return new DescriptorEncoder();
        }
        Path model = model(spec, models);
        if (startsWith(s, TORCHSCRIPT)) {
            return new TorchScriptEncoder(model);
        }
        return new TfjsEncoder(model, s.substring(s.lastIndexOf('/') + 1));
    }

    /**
     * The model an encoder spec runs: the TorchScript file or the TF.js model's folder; null for the
     * descriptor (which has none). A spec that is none of these is a named error.
     */
    public static Path model(String spec, Function<String, Path> models) {
        String s = spec == null ? "" : spec.strip();
        if (s.equalsIgnoreCase(DescriptorEncoder.NAME)) {
            return null;
        }
        if (startsWith(s, TORCHSCRIPT) && s.length() > TORCHSCRIPT.length()) {
            return Path.of(s.substring(TORCHSCRIPT.length()));
        }
        if (startsWith(s, TfjsEncoder.SPEC)) {
            String rest = s.substring(TfjsEncoder.SPEC.length());
            int slash = rest.lastIndexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new IllegalArgumentException("encoder '" + spec + "' names no layer; write tfjs:<model folder or name>/<layer>, "
                        + "e.g. tfjs:inception_v3/mixed5");
            }
            String name = rest.substring(0, slash);
            Path folder = Files.isDirectory(Path.of(name)) ? Path.of(name) : models.apply(name);
            if (folder == null) {
                throw new IllegalArgumentException("encoder '" + spec + "': no TF.js model folder or known model named '" + name + "'");
            }
            return folder;
        }
        throw new IllegalArgumentException("unknown encoder '" + spec + "'; accepted: " + ACCEPTED);
    }

    private static boolean startsWith(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
