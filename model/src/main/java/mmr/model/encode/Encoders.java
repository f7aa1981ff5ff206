package mmr.model.encode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import mmr.model.encode.EncoderGrammar.Fused;
import mmr.model.encode.EncoderGrammar.Spec;
import mmr.model.encode.EncoderGrammar.Tfjs;
import mmr.model.encode.EncoderGrammar.TorchScript;
import mmr.model.encode.EncoderGrammar.WeightedSpec;

/**
 * Opens an encoder from its user-facing spec ({@link EncoderGrammar}): {@code descriptor},
 * {@code torchscript:<file>} or {@code tfjs:<model>[/<layer>][@<side>]} (a TF.js model's folder, or
 * a name the caller resolves — e.g. one of the models a package in the cache ships — and the layer
 * or node whose pooled output is the feature; without one, the features the model's classifier head
 * reads; after an '@', the input side to run at instead of the model's own) — or several of these
 * joined by '+', each with an optional {@code <weight>*}: a {@link FusedEncoder}.
 */
public final class Encoders {
    public static final String ACCEPTED = EncoderGrammar.ACCEPTED;

    private Encoders() {}

    public static ImageEncoder open(String spec) {
        return open(spec, name -> null);
    }

    /** @param models a TF.js model name to its folder, or null when the name is unknown */
    public static ImageEncoder open(String spec, Function<String, Path> models) {
        return open(spec, EncoderGrammar.parse(spec), models);
    }

    private static ImageEncoder open(String spec, Spec parsed, Function<String, Path> models) {
        if (parsed instanceof TorchScript t) {
            return new TorchScriptEncoder(t.file());
        }
        if (parsed instanceof Tfjs t) {
            ModelAndLayer m = tfjs(t, models);
            return new TfjsEncoder(m.folder(), m.layer(), t.side());
        }
        if (parsed instanceof Fused f) {
            double[] weights = new double[f.parts().size()];
            List<ImageEncoder> opened = new ArrayList<>();
            try {
                for (int i = 0; i < weights.length; i++) {
                    WeightedSpec part = f.parts().get(i);
                    weights[i] = part.weight();
                    opened.add(open(spec, part.spec(), models));
                }
                return new FusedEncoder(opened, weights, true);
            } catch (RuntimeException e) {
                opened.forEach(ImageEncoder::close);
                throw e;
            }
        }
        return new DescriptorEncoder();
    }

    /** The models a spec runs (TorchScript files, TF.js folders), every part of a fused one; empty for the descriptor. */
    public static List<Path> models(String spec, Function<String, Path> models) {
        List<Path> out = new ArrayList<>();
        collect(EncoderGrammar.parse(spec), models, out);
        return out;
    }

    private static void collect(Spec parsed, Function<String, Path> models, List<Path> out) {
        if (parsed instanceof TorchScript t) {
            out.add(t.file());
        } else if (parsed instanceof Tfjs t) {
            out.add(tfjs(t, models).folder());
        } else if (parsed instanceof Fused f) {
            f.parts().forEach(p -> collect(p.spec(), models, out));
        }
    }

    /** A TF.js spec's model folder and the layer or node named after it (empty: the features the classifier head reads). */
    private record ModelAndLayer(Path folder, String layer) {}

    /**
     * The model is the shortest prefix of {@code <model>[/<layer or node>]} (whole '/'-separated
     * parts) that is a folder holding a TF.js model or a name {@code models} knows — node names have
     * '/' in them too.
     */
    private static ModelAndLayer tfjs(Tfjs t, Function<String, Path> models) {
        String rest = t.path();
        for (int end = rest.indexOf('/', 1); ; end = rest.indexOf('/', end + 1)) {
            String name = end < 0 ? rest : rest.substring(0, end);
            String layer = end < 0 ? "" : rest.substring(end + 1);
            Path dir = Path.of(name);
            if (Files.isRegularFile(dir.resolve("model.json")) || Files.isRegularFile(dir.resolve("model.min.js"))) {
                return new ModelAndLayer(dir, layer);
            }
            Path known = name.contains("/") ? null : models.apply(name);
            if (known != null) {
                return new ModelAndLayer(known, layer);
            }
            if (end < 0) {
                String first = rest.indexOf('/') > 0 ? rest.substring(0, rest.indexOf('/')) : rest;
                throw new IllegalArgumentException("encoder '" + t.text() + "': no TF.js model folder or known model named '" + first + "'");
            }
        }
    }
}
