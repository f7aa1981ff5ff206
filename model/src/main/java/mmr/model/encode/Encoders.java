package mmr.model.encode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mmr.model.text.Bounded;

/**
 * Opens an encoder from its user-facing spec: {@code descriptor}, {@code torchscript:<file>} or
 * {@code tfjs:<model>[/<layer>][@<side>]} (a TF.js model's folder, or a name the caller resolves — e.g. one of
 * the models a package in the cache ships — and the layer or node whose pooled output is the
 * feature; without one, the features the model's classifier head reads; after an '@', the input
 * side to run at instead of the model's own) — or several of these
 * joined by '+', each with an optional {@code <weight>*}: a {@link FusedEncoder}.
 */
public final class Encoders {
    public static final String ACCEPTED = "'descriptor', 'torchscript:<path to .pt file>', 'tfjs:<model folder or name>[/<layer>][@<side>]' "
            + "or several joined by '+', each with an optional '<weight>*' (fused)";
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
        List<Part> parts = parts(s);
        if (parts.size() > 1) {
            return fused(spec, parts, models);
        }
        if (startsWith(s, TfjsEncoder.SPEC)) {
            Tfjs t = tfjs(spec, models);
            return new TfjsEncoder(t.folder(), t.layer(), t.side());
        }
        return new TorchScriptEncoder(model(spec, models));   // a spec of no kind is named there
    }

    private static final Pattern WEIGHT = Pattern.compile("^\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*\\*\\s*(.*)$", Pattern.DOTALL);

    /** One part of a fused spec: its weight (1 when none is written) and its encoder spec. */
    private record Part(String text, double weight, String spec) {
        static Part of(String text) {
            Matcher m = WEIGHT.matcher(text);
            return m.matches() ? new Part(text, Double.parseDouble(m.group(1)), m.group(2).strip()) : new Part(text, 1, text.strip());
        }
    }

    /**
     * The parts of a fused spec, split at '+' where an encoder spec (with an optional
     * {@code <weight>*}) follows — a '+' inside a path stays in it; one part for any other spec.
     */
    private static List<Part> parts(String spec) {
        List<String> texts = new ArrayList<>();
        for (String piece : spec.split("\\+", -1)) {
            String body = Part.of(piece).spec();
            boolean starts = body.equalsIgnoreCase(DescriptorEncoder.NAME) || startsWith(body, TORCHSCRIPT)
                    || startsWith(body, TfjsEncoder.SPEC) || body.isEmpty();
            if (texts.isEmpty() || starts) {
                texts.add(piece);
            } else {
                texts.set(texts.size() - 1, texts.get(texts.size() - 1) + "+" + piece);
            }
        }
        return texts.stream().map(Part::of).toList();
    }

    private static ImageEncoder fused(String spec, List<Part> parts, Function<String, Path> models) {
        double[] weights = new double[parts.size()];
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            if (p.spec().isEmpty() || !(p.weight() > 0)) {
                throw new IllegalArgumentException("fused encoder '" + spec + "': part " + (i + 1) + " " + Bounded.quote(p.text())
                        + " is not [<weight>*]<encoder> with a positive weight, e.g. 0.5*descriptor+0.5*tfjs:mobilenet_v2_mid");
            }
            String key = p.spec().toLowerCase(java.util.Locale.ROOT);
            if (seen.contains(key)) {
                throw new IllegalArgumentException("fused encoder '" + spec + "' names " + Bounded.quote(p.spec()) + " twice");
            }
            seen.add(key);
            weights[i] = p.weight();
        }
        List<ImageEncoder> opened = new ArrayList<>();
        try {
            for (Part p : parts) {
                opened.add(open(p.spec(), models));
            }
            return new FusedEncoder(opened, weights, true);
        } catch (RuntimeException e) {
            opened.forEach(ImageEncoder::close);
            throw e;
        }
    }

    /** The models a spec runs (TorchScript files, TF.js folders), every part of a fused one; empty for the descriptor. */
    public static List<Path> models(String spec, Function<String, Path> models) {
        List<Path> out = new ArrayList<>();
        for (Part part : parts(spec == null ? "" : spec.strip())) {
            Path p = model(part.spec(), models);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * A TF.js spec's model folder, the layer or node named after it (empty: the features the
     * classifier head reads) and the input side after an '@' (0: the model's own).
     */
    private record Tfjs(Path folder, String layer, int side) {}

    private static final Pattern SIDE = Pattern.compile("^(.*)@([0-9]{1,9})$", Pattern.DOTALL);

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
            return tfjs(spec, models).folder();
        }
        throw new IllegalArgumentException("unknown encoder '" + spec + "'; accepted: " + ACCEPTED);
    }

    /**
     * Splits {@code tfjs:<model>[/<layer or node>][@<side>]}: the model is the shortest prefix (whole
     * '/'-separated parts) that is a folder holding a TF.js model or a name {@code models} knows —
     * node names have '/' in them too.
     */
    private static Tfjs tfjs(String spec, Function<String, Path> models) {
        String rest = spec.strip().substring(TfjsEncoder.SPEC.length());
        int side = 0;
        Matcher at = SIDE.matcher(rest);
        if (at.matches()) {
            rest = at.group(1);
            side = Integer.parseInt(at.group(2));
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("encoder '" + spec + "' names no model; write tfjs:<model folder or name>[/<layer>], "
                    + "e.g. tfjs:inception_v3/mixed5 or tfjs:mobilenet_v2_mid");
        }
        for (int end = rest.indexOf('/', 1); ; end = rest.indexOf('/', end + 1)) {
            String name = end < 0 ? rest : rest.substring(0, end);
            String layer = end < 0 ? "" : rest.substring(end + 1);
            Path dir = Path.of(name);
            if (Files.isRegularFile(dir.resolve("model.json")) || Files.isRegularFile(dir.resolve("model.min.js"))) {
                return new Tfjs(dir, layer, side);
            }
            Path known = name.contains("/") ? null : models.apply(name);
            if (known != null) {
                return new Tfjs(known, layer, side);
            }
            if (end < 0) {
                String first = rest.indexOf('/') > 0 ? rest.substring(0, rest.indexOf('/')) : rest;
                throw new IllegalArgumentException("encoder '" + spec + "': no TF.js model folder or known model named '" + first + "'");
            }
        }
    }

    private static boolean startsWith(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
