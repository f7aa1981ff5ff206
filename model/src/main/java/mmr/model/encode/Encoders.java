package mmr.model.encode;

import java.nio.file.Path;

/** Opens an encoder from its user-facing spec: {@code descriptor} or {@code torchscript:<file>}. */
public final class Encoders {
    public static final String ACCEPTED = "'descriptor' or 'torchscript:<path to .pt file>'";
    private static final String TORCHSCRIPT = "torchscript:";

    private Encoders() {}

    public static ImageEncoder open(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.equalsIgnoreCase(DescriptorEncoder.NAME)) {
            return new DescriptorEncoder();
        }
        if (s.regionMatches(true, 0, TORCHSCRIPT, 0, TORCHSCRIPT.length()) && s.length() > TORCHSCRIPT.length()) {
            return new TorchScriptEncoder(Path.of(s.substring(TORCHSCRIPT.length())));
        }
        throw new IllegalArgumentException("unknown encoder '" + spec + "'; accepted: " + ACCEPTED);
    }
}
