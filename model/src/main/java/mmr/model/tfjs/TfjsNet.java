package mmr.model.tfjs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.djl.ndarray.NDManager;

/**
 * A TF.js model run on DJL up to one named output — a layer of a layers model, a node of a graph
 * model — whose activations, averaged over space, are returned.
 */
public interface TfjsNet {
    /** The net of a model read by {@link TfjsModel#read}: a graph model or a layers model. */
    static TfjsNet of(TfjsModel model) {
        return model.format().equals("graph-model") ? new TfjsGraphNet(model) : new TfjsLayersNet(model);
    }

    /** The square input side the model declares (e.g. 224 or 299), or −1 when it declares none. */
    int inputSize();

    /** The outputs that can be asked for (layer or node names), in order. */
    List<String> outputNames();

    /**
     * The output the model's classifier head reads: the input of its last dense layer / matrix
     * product, reached back from the model's output through activations (e.g. a feature vector).
     */
    String headInput();

    /**
     * Runs the model on {@code input} (N×H×W×3 floats, as TF.js takes them) up to {@code output}
     * and returns its activations, global-average-pooled over space for a 4-d output: N × C.
     */
    float[][] pooled(NDManager manager, float[] input, int n, int h, int w, String output);

    /**
     * The output a user's name means: the name itself, the one output it ends (after a '/'), the one
     * inside the '/'-scope it names, or the one whose {@link #shortName} or name reads the same after
     * {@link #clean}; a clear error otherwise.
     */
    default String resolve(String name) {
        List<String> names = outputNames();
        if (names.contains(name)) {
            return name;
        }
        List<String> found = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith("/" + name)) {
                found.add(n);
            }
        }
        if (found.isEmpty()) {   // a scope holding one node, e.g. expanded_conv_16/project for its .../BatchNorm/FusedBatchNormV3
            for (String n : names) {
                if (n.startsWith(name + "/") || n.contains("/" + name + "/")) {
                    found.add(n);
                }
            }
        }
        if (found.isEmpty()) {
            String c = clean(name);
            for (String n : names) {
                if (clean(n).equals(c) || clean(shortName(n)).equals(c)) {
                    found.add(n);
                }
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        String what = this instanceof TfjsGraphNet ? "node" : "layer";
        if (found.isEmpty()) {
            throw new IllegalArgumentException("the TF.js model has no " + what + " '" + name + "'; its last " + what + "s: "
                    + names.subList(Math.max(0, names.size() - 6), names.size()).stream().map(this::shortName).toList());
        }
        throw new IllegalArgumentException("'" + name + "' names " + found.size() + " " + what + "s of the TF.js model, e.g. "
                + found.subList(0, Math.min(3, found.size())) + "; write more of the name");
    }

    /** The shortest end of an output's name (whole '/'-separated parts) that no other output's name ends with. */
    default String shortName(String name) {
        List<String> names = outputNames();
        int at = name.length();
        while (true) {
            int slash = name.lastIndexOf('/', at - 1);
            String tail = name.substring(slash + 1);
            boolean unique = names.stream().filter(n -> n.equals(tail) || n.endsWith("/" + tail)).count() <= 1;
            if (unique || slash < 0) {
                return tail;
            }
            at = slash;
        }
    }

    /**
     * A name part as encoder names write it: lower case, other characters than {@code a-z0-9_.} as '_'
     * (so '-' can separate the parts of {@code tfjs-<model>-<output>}).
     */
    static String clean(String s) {
        String c = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.]", "_");
        return c.isEmpty() ? "model" : c;
    }
}
