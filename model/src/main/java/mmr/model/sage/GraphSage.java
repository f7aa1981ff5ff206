package mmr.model.sage;

import java.util.HashMap;
import java.util.Map;

/**
 * GraphSAGE inference (mean aggregator), as GDS computes it: with {@code L} layers, the embedding of
 * node v is {@code normalise(h_L(v))}, where {@code h_0(v)} is v's input (in multi-label mode
 * {@code P_label(v) · [features(v), 1]}) and
 * {@code h_k(v) = activation(W_k · mean({h_(k-1)(v)} ∪ {h_(k-1)(u) : u ∈ sample_k(v)}))},
 * {@code sample_k} drawing at most layer k's sample size of neighbours. DB-free: the graph is read
 * through {@link SageGraph}.
 */
public final class GraphSage {
    private final SageWeights weights;

    public GraphSage(SageWeights weights) {
        this.weights = weights;
    }

    public SageWeights weights() {
        return weights;
    }

    /** The L2-normalised embedding of {@code node}. */
    public float[] embed(SageGraph graph, long node) {
        double[] h = hidden(graph, node, weights.layers().size(), new HashMap<>());
        double norm = 0;
        for (double x : h) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            out[i] = (float) (norm > 0 ? h[i] / norm : 0);
        }
        return out;
    }

    private double[] hidden(SageGraph graph, long node, int layer, Map<Key, double[]> memo) {
        Key key = new Key(node, layer);
        double[] cached = memo.get(key);
        if (cached != null) {
            return cached;
        }
        double[] result;
        if (layer == 0) {
            result = input(graph, node);
        } else {
            SageWeights.Layer l = weights.layers().get(layer - 1);
            long[] neighbours = graph.neighbours(node, l.sampleSize());
            double[] mean = hidden(graph, node, layer - 1, memo).clone();
            for (long u : neighbours) {
                double[] hu = hidden(graph, u, layer - 1, memo);
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += hu[i];
                }
            }
            int count = neighbours.length + 1;
            for (int i = 0; i < mean.length; i++) {
                mean[i] /= count;
            }
            result = l.weights().times(mean);
            for (int i = 0; i < result.length; i++) {
                result[i] = weights.activation().apply(result[i]);
            }
        }
        memo.put(key, result);
        return result;
    }

    private double[] input(SageGraph graph, long node) {
        float[] f = graph.features(node);
        if (f == null) {
            throw new IllegalArgumentException("node " + node + " has no features");
        }
        if (!weights.multiLabel()) {
            double[] x = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                x[i] = f[i];
            }
            return x;
        }
        String label = graph.label(node);
        SageWeights.Matrix projection = weights.projections().get(label);
        if (projection == null) {
            throw new IllegalArgumentException("the model has no feature projection for label '" + label
                    + "'; it knows " + weights.projections().keySet());
        }
        double[] withBias = new double[f.length + 1];
        for (int i = 0; i < f.length; i++) {
            withBias[i] = f[i];
        }
        withBias[f.length] = 1;
        return projection.times(withBias);
    }

    private record Key(long node, int layer) {}
}
