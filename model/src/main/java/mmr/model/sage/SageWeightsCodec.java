package mmr.model.sage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link SageWeights} as flat node properties (numbers and arrays only), so a trained model can live
 * on an {@code (:MmrModel)} node and survive restarts without GDS:
 * {@code aggregator, activation, sampleSizes, layer<k>_rows, layer<k>_cols, layer<k>_weights,
 * projection_<label>_rows, projection_<label>_cols, projection_<label>_weights}.
 */
public final class SageWeightsCodec {
    private static final String PROJECTION = "projection_";

    private SageWeightsCodec() {}

    public static Map<String, Object> toProperties(SageWeights w) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("aggregator", w.aggregator().toString());
        p.put("activation", w.activation().toString());
        long[] sampleSizes = new long[w.layers().size()];
        for (int k = 0; k < sampleSizes.length; k++) {
            SageWeights.Layer layer = w.layers().get(k);
            sampleSizes[k] = layer.sampleSize();
            put(p, "layer" + (k + 1) + "_", layer.weights());
        }
        p.put("sampleSizes", sampleSizes);
        String[] labels = w.projections().keySet().stream().sorted().toArray(String[]::new);
        p.put("projectionLabels", labels);
        for (String label : labels) {
            put(p, PROJECTION + label + "_", w.projections().get(label));
        }
        return p;
    }

    public static SageWeights fromProperties(Map<String, Object> p) {
        long[] sampleSizes = longs(p.get("sampleSizes"), "sampleSizes");
        List<SageWeights.Layer> layers = new ArrayList<>();
        for (int k = 0; k < sampleSizes.length; k++) {
            layers.add(new SageWeights.Layer((int) sampleSizes[k], matrix(p, "layer" + (k + 1) + "_")));
        }
        Map<String, SageWeights.Matrix> projections = new TreeMap<>();
        Object labels = p.get("projectionLabels");
        if (labels instanceof String[] names) {
            for (String label : names) {
                projections.put(label, matrix(p, PROJECTION + label + "_"));
            }
        }
        return new SageWeights(layers, SageWeights.Activation.parse((String) p.get("activation")), projections,
                SageWeights.Aggregator.parse((String) p.get("aggregator")));
    }

    private static void put(Map<String, Object> p, String prefix, SageWeights.Matrix m) {
        p.put(prefix + "rows", (long) m.rows());
        p.put(prefix + "cols", (long) m.cols());
        p.put(prefix + "weights", m.data().clone());
    }

    private static SageWeights.Matrix matrix(Map<String, Object> p, String prefix) {
        Object rows = p.get(prefix + "rows");
        Object cols = p.get(prefix + "cols");
        Object data = p.get(prefix + "weights");
        if (!(rows instanceof Number r) || !(cols instanceof Number c) || !(data instanceof double[] d)) {
            throw new IllegalArgumentException("stored model is incomplete: " + prefix + "rows/cols/weights missing or of the wrong type");
        }
        return new SageWeights.Matrix(r.intValue(), c.intValue(), d);
    }

    private static long[] longs(Object value, String key) {
        if (value instanceof long[] l) {
            return l;
        }
        if (value instanceof int[] i) {
            long[] out = new long[i.length];
            for (int k = 0; k < i.length; k++) {
                out[k] = i[k];
            }
            return out;
        }
        throw new IllegalArgumentException("stored model is incomplete: '" + key + "' missing or not a list of integers");
    }
}
