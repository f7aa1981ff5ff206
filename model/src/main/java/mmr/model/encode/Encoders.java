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
        if (s.regionMatches(true, 0, TORCHSCRIPT, 0, TORCHSCRIPT.length()) && s.length() > TORCHSCRIPT.length()) {
            return new TorchScriptEncoder(Path.of(s.substring(TORCHSCRIPT.length())));
        }
        String tfjs = TfjsEncoder.SPEC;
        if (s.regionMatches(true, 0, tfjs, 0, tfjs.length())) {
            String rest = s.substring(tfjs.length());
            int slash = rest.lastIndexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw new IllegalArgumentException("encoder '" + spec + "' names no layer; write tfjs:<model folder or name>/<layer>, "
                        + "e.g. tfjs:inception_v3/mixed5");
            }
            String model = rest.substring(0, slash);
            Path folder = Files.isDirectory(Path.of(model)) ? Path.of(model) : models.apply(model);
            if (folder == null) {
                throw new IllegalArgumentException("encoder '" + spec + "': no TF.js model folder or known model named '" + model + "'");
            }
            return new TfjsEncoder(folder, rest.substring(slash + 1));
        }
        throw new IllegalArgumentException("unknown encoder '" + spec + "'; accepted: " + ACCEPTED);
    }
}
