package mmr.model.encode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mmr.model.text.Bounded;

/**
 * The two ways an encoder is written, parsed in one place. A user writes a spec
 * ({@code descriptor}, {@code torchscript:<file>}, {@code tfjs:<model>[/<layer>][@<side>]}, or
 * several joined by '+', each with an optional {@code <weight>*}); the catalog stores the identity
 * the encoder reports ({@code descriptor}, {@code torchscript-<stem>}, {@code tfjs-<model>-<layer>[-<side>]},
 * {@code fused:<name>:<dimension>:<weight>:…} with the parts' versions joined by '-'). Parsing is
 * syntax only: which folder a TF.js model name or a stored stem is, the caller resolves.
 */
public final class EncoderGrammar {
    public static final String ACCEPTED = "'descriptor', 'torchscript:<path to .pt file>', 'tfjs:<model folder or name>[/<layer>][@<side>]' "
            + "or several joined by '+', each with an optional '<weight>*' (fused)";
    static final String TORCHSCRIPT_SPEC = "torchscript:";
    static final String TFJS_SPEC = "tfjs:";
    static final String TORCHSCRIPT_NAME = "torchscript-";
    static final String TFJS_NAME = "tfjs-";
    static final String FUSED_NAME = "fused:";

    private EncoderGrammar() {}

    // ---------------------------------------------------------------- a user's spec

    /** A parsed spec. */
    public sealed interface Spec permits Descriptor, TorchScript, Tfjs, Fused {}

    public record Descriptor() implements Spec {}

    public record TorchScript(Path file) implements Spec {}

    /**
     * {@code path} is the model and, after it, the layer or node ('/'-separated, so which prefix is
     * the model is known only once folders are looked at); {@code side} 0 is the model's own input side;
     * {@code text} the spec as written (for messages).
     */
    public record Tfjs(String text, String path, int side) implements Spec {}

    public record Fused(List<WeightedSpec> parts) implements Spec {}

    public record WeightedSpec(Spec spec, double weight) {}

    private static final Pattern WEIGHT = Pattern.compile("^\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*\\*\\s*(.*)$", Pattern.DOTALL);
    private static final Pattern SIDE = Pattern.compile("^(.*)@([0-9]{1,9})$", Pattern.DOTALL);

    /** A spec's parts, or a named error (an unknown kind, a fused part without a positive weight, a part twice). */
    public static Spec parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.equalsIgnoreCase(DescriptorEncoder.NAME)) {
            return new Descriptor();
        }
        List<Part> parts = parts(s);
        if (parts.size() > 1) {
            return fused(spec, parts);
        }
        if (startsWith(s, TFJS_SPEC)) {
            String rest = s.substring(TFJS_SPEC.length());
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
            return new Tfjs(spec, rest, side);
        }
        if (startsWith(s, TORCHSCRIPT_SPEC) && s.length() > TORCHSCRIPT_SPEC.length()) {
            return new TorchScript(Path.of(s.substring(TORCHSCRIPT_SPEC.length())));
        }
        throw new IllegalArgumentException("unknown encoder '" + spec + "'; accepted: " + ACCEPTED);
    }

    /** One part of a fused spec: its text, its weight (1 when none is written) and its encoder spec. */
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
            boolean starts = body.equalsIgnoreCase(DescriptorEncoder.NAME) || startsWith(body, TORCHSCRIPT_SPEC)
                    || startsWith(body, TFJS_SPEC) || body.isEmpty();
            if (texts.isEmpty() || starts) {
                texts.add(piece);
            } else {
                texts.set(texts.size() - 1, texts.get(texts.size() - 1) + "+" + piece);
            }
        }
        return texts.stream().map(Part::of).toList();
    }

    private static Fused fused(String spec, List<Part> parts) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            if (p.spec().isEmpty() || !(p.weight() > 0)) {
                throw new IllegalArgumentException("fused encoder '" + spec + "': part " + (i + 1) + " " + Bounded.quote(p.text())
                        + " is not [<weight>*]<encoder> with a positive weight, e.g. 0.5*descriptor+0.5*tfjs:mobilenet_v2_mid");
            }
            String key = p.spec().toLowerCase(Locale.ROOT);
            if (seen.contains(key)) {
                throw new IllegalArgumentException("fused encoder '" + spec + "' names " + Bounded.quote(p.spec()) + " twice");
            }
            seen.add(key);
        }
        List<WeightedSpec> out = new ArrayList<>();
        for (Part p : parts) {
            out.add(new WeightedSpec(parse(p.spec()), p.weight()));
        }
        return new Fused(out);
    }

    // ---------------------------------------------------------------- a stored identity

    /** A parsed identity: what the server must find to encode a catalog's query images. */
    public sealed interface Stored permits StoredDescriptor, StoredTorchScript, StoredTfjs, StoredFused, StoredOther {
        EncoderIdentity identity();
    }

    public record StoredDescriptor(EncoderIdentity identity) implements Stored {}

    /** {@code stem}: the model file's name as the importer recorded it; the identity's version is its checksum. */
    public record StoredTorchScript(EncoderIdentity identity, String stem) implements Stored {}

    /** {@code model}: the model folder's name as the importer recorded it; the identity's version is its files' checksum. */
    public record StoredTfjs(EncoderIdentity identity, String model, String layer, int side) implements Stored {}

    public record StoredFused(EncoderIdentity identity, List<WeightedStored> parts) implements Stored {}

    public record WeightedStored(Stored part, double weight) {}

    /** An identity of an encoder mmr has no way to rebuild (features computed elsewhere). */
    public record StoredOther(EncoderIdentity identity) implements Stored {}

    /** What an identity names; a named error when it has a known prefix but not its form. */
    public static Stored ofIdentity(EncoderIdentity id) {
        String name = id.name();
        if (DescriptorEncoder.NAME.equals(name)) {
            return new StoredDescriptor(id);
        }
        if (name.startsWith(FUSED_NAME)) {
            String[] f = name.substring(FUSED_NAME.length()).split(":");
            String[] versions = id.version().split("-");
            if (f.length % 3 != 0 || f.length / 3 != versions.length || versions.length < 2) {
                throw new IllegalArgumentException("encoder " + id + " is not of the form fused:<name>:<dimension>:<weight>:… "
                        + "with one version per part");
            }
            List<WeightedStored> parts = new ArrayList<>();
            for (int i = 0; i < versions.length; i++) {
                try {
                    EncoderIdentity part = new EncoderIdentity(f[3 * i], Integer.parseInt(f[3 * i + 1]), versions[i]);
                    parts.add(new WeightedStored(ofIdentity(part), Double.parseDouble(f[3 * i + 2])));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("encoder " + id + " has a part with a dimension or weight that is not a number");
                }
            }
            return new StoredFused(id, parts);
        }
        if (name.startsWith(TFJS_NAME)) {
            String[] parts = name.split("-");
            if (parts.length != 3 && !(parts.length == 4 && parts[3].matches("[0-9]{1,4}"))) {
                throw new IllegalArgumentException("encoder " + id + " is not of the form tfjs-<model>-<layer>[-<side>]");
            }
            return new StoredTfjs(id, parts[1], parts[2], parts.length == 4 ? Integer.parseInt(parts[3]) : 0);
        }
        if (name.startsWith(TORCHSCRIPT_NAME)) {
            return new StoredTorchScript(id, name.substring(TORCHSCRIPT_NAME.length()));
        }
        return new StoredOther(id);
    }

    /**
     * A stored identity in the words of a spec, for people: {@code descriptor+tfjs:mobilenet_v2_mid@128}
     * rather than {@code fused:descriptor:512:0.5:tfjs-mobilenet_v2_mid-…/960/1-cf0bedc4b43c}. Short: a
     * TF.js layer and the models' checksums are left to the identity (shown beside it); weights are
     * written only when a fused encoder's parts weigh differently.
     */
    public static String describe(Stored stored) {
        if (stored instanceof StoredDescriptor) {
            return DescriptorEncoder.NAME;
        }
        if (stored instanceof StoredTfjs t) {
            return "tfjs:" + t.model() + (t.side() > 0 ? "@" + t.side() : "");
        }
        if (stored instanceof StoredTorchScript t) {
            return "torchscript:" + t.stem();
        }
        if (stored instanceof StoredFused f) {
            boolean equal = f.parts().stream().mapToDouble(WeightedStored::weight).distinct().count() == 1;
            StringBuilder out = new StringBuilder();
            for (WeightedStored p : f.parts()) {
                out.append(out.length() == 0 ? "" : "+").append(equal ? "" : p.weight() + "*").append(describe(p.part()));
            }
            return out.toString();
        }
        return stored.identity().name();
    }

    /** The identity name of a fused encoder's parts and weights (weights as {@link FusedEncoder} rounds them). */
    static String fusedName(List<EncoderIdentity> parts, List<String> weights) {
        StringBuilder name = new StringBuilder(FUSED_NAME);
        for (int i = 0; i < parts.size(); i++) {
            EncoderIdentity p = parts.get(i);
            if (p.name().contains(":") || p.version().contains("-")) {
                throw new IllegalArgumentException("encoder " + p + " cannot be a fused part (its name has ':' or its version '-')");
            }
            name.append(i == 0 ? "" : ":").append(p.name()).append(':').append(p.dimension()).append(':').append(weights.get(i));
        }
        return name.toString();
    }

    static boolean startsWith(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
