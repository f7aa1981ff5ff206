package mmr.model.sage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import mmr.model.vector.Parallel;

/**
 * GraphSAGE inference (mean aggregator), as GDS computes it: with {@code L} layers, the embedding of
 * node v is {@code normalise(h_L(v))}, where {@code h_0(v)} is v's input (in multi-label mode
 * {@code P_label(v) · [features(v), 1]}) and
 * {@code h_k(v) = activation(W_k · mean({h_(k-1)(v)} ∪ {h_(k-1)(u) : u ∈ sample_k(v)}))},
 * {@code sample_k} drawing at most layer k's sample size of neighbours. DB-free: the graph is read
 * through {@link SageGraph}.
 *
 * <p>Cost: the mean is taken before the matrix product (they commute), and matrices are kept
 * transposed so that {@code W·x} is a sum of scaled columns — a loop the JIT vectorises. Hidden
 * states of inner layers depend only on a node and its (deterministic) sample, so a {@link Batch}
 * shares them across the nodes it embeds. Thread-safe: batches are not shared between threads.
 */
public final class GraphSage {
    /** Inner-layer states a batch keeps (least recently used go first; about 128 × 8 bytes each). */
    static final int BATCH_CACHE_LIMIT = 50_000;
    /** Projected inputs (multi-label mode) a batch keeps. */
    static final int INPUT_CACHE_LIMIT = 10_000;

    private final SageWeights weights;
    private final double[][] transposedLayers;
    private final Map<String, double[]> transposedProjections = new HashMap<>();

    public GraphSage(SageWeights weights) {
        this.weights = weights;
        transposedLayers = new double[weights.layers().size()][];
        for (int k = 0; k < transposedLayers.length; k++) {
            transposedLayers[k] = transpose(weights.layers().get(k).weights());
        }
        weights.projections().forEach((label, m) -> transposedProjections.put(label, transpose(m)));
    }

    public SageWeights weights() {
        return weights;
    }

    /** Bytes of the arrays this decoded model holds: its weights and their transposed copies. */
    public long decodedBytes() {
        long values = 0;
        for (SageWeights.Layer layer : weights.layers()) {
            values += layer.weights().data().length;
        }
        for (SageWeights.Matrix m : weights.projections().values()) {
            values += m.data().length;
        }
        for (double[] t : transposedLayers) {
            values += t.length;
        }
        for (double[] t : transposedProjections.values()) {
            values += t.length;
        }
        return values * Double.BYTES;
    }

    /** What {@link #decodedBytes()} comes to for a model of {@code parameters} weights, without decoding it. */
    public static long decodedBytes(long parameters) {
        return 2 * Double.BYTES * parameters;
    }

    /** The L2-normalised embedding of {@code node}. */
    public float[] embed(SageGraph graph, long node) {
        return batch(graph).embed(node);
    }

    /** A batch of embeddings over one graph, sharing inner-layer states between its nodes. */
    public Batch batch(SageGraph graph) {
        return new Batch(graph, null);
    }

    /**
     * A batch that takes inner-layer states of stored nodes (ids ≥ 0) from {@code known} where it
     * has them, instead of computing them from the nodes' sampled neighbourhoods. Whether those
     * states still match the graph is the caller's responsibility.
     */
    public Batch batch(SageGraph graph, KnownStates known) {
        return new Batch(graph, known);
    }

    /**
     * Every node's embedding, and what search reads back for it (first-layer state, projected input;
     * null arrays where the model has none), in the order of {@code nodes}.
     */
    public record Embedded(float[][] embeddings, float[][] states, float[][] inputs) {}

    /**
     * Embeds {@code nodes} of a graph that may be read from several threads (e.g. {@link ArraySageGraph}),
     * in chunks of {@code chunk} nodes, one batch per chunk, on {@code threads} threads. Each node's
     * result depends only on the graph and its seeded samples, not on the chunking or the threads.
     */
    public Embedded embedAll(SageGraph graph, KnownStates known, long[] nodes, int chunk, int threads) {
        float[][] embeddings = new float[nodes.length][];
        boolean layered = weights.layers().size() >= 2;
        float[][] states = layered ? new float[nodes.length][] : null;
        float[][] inputs = weights.multiLabel() ? new float[nodes.length][] : null;
        int chunks = (nodes.length + chunk - 1) / chunk;
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int from = c * chunk;
                long[] part = Arrays.copyOfRange(nodes, from, Math.min(nodes.length, from + chunk));
                Batch batch = batch(graph, known);
                for (int i = 0; i < part.length; i++) {
                    embeddings[from + i] = batch.embed(part[i]);
                }
                if (layered) {
                    System.arraycopy(batch.firstLayerStates(part), 0, states, from, part.length);
                }
                if (inputs != null) {
                    System.arraycopy(batch.projectedInputs(part), 0, inputs, from, part.length);
                }
            }
        };
        Parallel.run(Math.max(1, Math.min(threads, chunks)), "mmr-embed", work);
        return new Embedded(embeddings, states, inputs);
    }

    /** Inner-layer states computed earlier (for search: written at training or embedding time). */
    public interface KnownStates {
        /** h_layer(node) — layer 0 being the projected input of a multi-label model — or null when not known. */
        double[] get(int layer, long node);
    }

    /** Embeds nodes of one graph; not thread-safe. */
    public final class Batch {
        private final SageGraph graph;
        private final KnownStates known;
        private final Map<Long, double[]>[] states;

        @SuppressWarnings("unchecked")
        private Batch(SageGraph graph, KnownStates known) {
            this.graph = graph;
            this.known = known;
            states = new Map[weights.layers().size()];   // [0]: projected inputs, [k]: h_k
            for (int k = 0; k < states.length; k++) {
                states[k] = lru(k == 0 ? INPUT_CACHE_LIMIT : BATCH_CACHE_LIMIT);
            }
        }

        /** The L2-normalised embedding of {@code node}. */
        public float[] embed(long node) {
            double[] h = hidden(node, weights.layers().size());
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

        /**
         * The first-layer state h_1 of {@code nodes} (models with at least two layers): what a
         * stored node contributes to the top layer of a neighbour's embedding. Search reads it back
         * instead of walking the node's own sampled neighbourhood.
         */
        public float[][] firstLayerStates(long[] nodes) {
            if (weights.layers().size() < 2) {
                throw new IllegalStateException("a " + weights.layers().size() + "-layer model has no inner states");
            }
            double[][] h = hiddenMany(nodes, 1);
            float[][] out = new float[h.length][];
            for (int j = 0; j < h.length; j++) {
                out[j] = new float[h[j].length];
                for (int i = 0; i < h[j].length; i++) {
                    out[j][i] = (float) h[j][i];
                }
            }
            return out;
        }

        /** h_layer(node) for layer ≥ 1. */
        private double[] hidden(long node, int layer) {
            return hiddenMany(new long[] {node}, layer)[0];
        }

        /**
         * h_layer for several nodes at once (layer ≥ 1): their means are multiplied by the layer's
         * matrix together, so each weight column is read once per call rather than once per node.
         * Inner layers are cached; the top layer is not.
         */
        private double[][] hiddenMany(long[] nodes, int layer) {
            boolean top = layer == weights.layers().size();
            double[][] out = new double[nodes.length][];
            int[] missing = new int[nodes.length];
            int m = 0;
            for (int i = 0; i < nodes.length; i++) {
                out[i] = top ? null : states[layer].get(nodes[i]);
                if (out[i] == null && !top && known != null && nodes[i] >= 0) {
                    out[i] = known.get(layer, nodes[i]);
                }
                if (out[i] == null) {
                    missing[m++] = i;
                }
            }
            if (m == 0) {
                return out;
            }
            SageWeights.Layer l = weights.layers().get(layer - 1);
            long[][] samples = new long[m][];
            Map<Long, double[]> lower = null;
            if (layer > 1) {                       // the states below, computed together
                LinkedHashSet<Long> needed = new LinkedHashSet<>();
                for (int j = 0; j < m; j++) {
                    long v = nodes[missing[j]];
                    samples[j] = graph.neighbours(v, l.sampleSize());
                    needed.add(v);
                    for (long u : samples[j]) {
                        needed.add(u);
                    }
                }
                long[] ids = new long[needed.size()];
                int n = 0;
                for (long id : needed) {
                    ids[n++] = id;
                }
                double[][] states = hiddenMany(ids, layer - 1);
                lower = new HashMap<>(ids.length * 2);
                for (int i = 0; i < ids.length; i++) {
                    lower.put(ids[i], states[i]);
                }
            } else {
                for (int j = 0; j < m; j++) {
                    samples[j] = graph.neighbours(nodes[missing[j]], l.sampleSize());
                }
            }
            boolean concat = weights.aggregator() == SageWeights.Aggregator.CONCAT;
            int width = concat ? l.weights().cols() / 2 : l.weights().cols();
            double[][] means = new double[m][];
            for (int j = 0; j < m; j++) {
                long v = nodes[missing[j]];
                if (concat) {                       // [self ‖ mean(sample)], the mean of no neighbours being 0
                    double[] self = new double[width];
                    add(self, v, lower);
                    double[] sum = new double[width];
                    for (long u : samples[j]) {
                        add(sum, u, lower);
                    }
                    double[] in = new double[2 * width];
                    System.arraycopy(self, 0, in, 0, width);
                    double inv = samples[j].length == 0 ? 0 : 1.0 / samples[j].length;
                    for (int i = 0; i < width; i++) {
                        in[width + i] = sum[i] * inv;
                    }
                    means[j] = in;
                    continue;
                }
                double[] sum = new double[width];
                add(sum, v, lower);
                for (long u : samples[j]) {
                    add(sum, u, lower);
                }
                double inv = 1.0 / (samples[j].length + 1);
                for (int i = 0; i < width; i++) {
                    sum[i] *= inv;
                }
                means[j] = sum;
            }
            double[][] results = timesMany(transposedLayers[layer - 1], l.weights().rows(), means);
            SageWeights.Activation activation = weights.activation();
            boolean activate = weights.activates(layer);
            for (int j = 0; j < m; j++) {
                double[] h = results[j];
                if (activate) {
                    for (int i = 0; i < h.length; i++) {
                        h[i] = activation.apply(h[i]);
                    }
                }
                out[missing[j]] = h;
                if (!top) {
                    states[layer].put(nodes[missing[j]], h);
                }
            }
            return out;
        }

        /** Adds a node's state from the layer below ({@code lower}), or its input when that is null. */
        private void add(double[] sum, long node, Map<Long, double[]> lower) {
            if (lower != null) {
                double[] h = lower.get(node);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += h[i];
                }
                return;
            }
            addInput(sum, node);
        }

        private void addInput(double[] sum, long node) {
            if (!weights.multiLabel()) {
                float[] f = features(node);
                if (f.length != sum.length) {
                    throw new IllegalArgumentException("node " + node + " has " + f.length + " features; the model takes "
                            + sum.length);
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += f[i];
                }
                return;
            }
            double[] x = projectedInput(node);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += x[i];
            }
        }

        /**
         * The node's input through its label's feature projection (multi-label models): cached, else
         * known (a stored node's projection written with its state), else computed from its features.
         */
        private double[] projectedInput(long node) {
            double[] x = states[0].get(node);
            if (x != null) {
                return x;
            }
            if (known != null && node >= 0) {
                x = known.get(0, node);
            }
            if (x == null || x.length != projectedWidth()) {
                x = project(node, features(node));
            }
            states[0].put(node, x);
            return x;
        }

        /**
         * {@code node}'s projected input as this batch computed or was given it, or null when it has none
         * (a model without input projections, or a node not embedded yet).
         */
        public double[] projectedInputIfKnown(long node) {
            return states[0].get(node);
        }

        /**
         * Uses {@code x} as {@code node}'s projected input: the same node's features through the same
         * model, projected by another batch — so a query embedded twice (two views) is projected once.
         */
        public Batch withProjectedInput(long node, double[] x) {
            if (x != null && x.length == projectedWidth()) {
                states[0].put(node, x);
            }
            return this;
        }

        /**
         * The projected inputs of {@code nodes} (multi-label models; null otherwise): what a stored node
         * contributes to the first layer of a neighbour's state. Search reads them back instead of
         * reading and projecting the node's features.
         */
        public float[][] projectedInputs(long[] nodes) {
            if (!weights.multiLabel()) {
                return null;
            }
            float[][] out = new float[nodes.length][];
            for (int j = 0; j < nodes.length; j++) {
                double[] x = projectedInput(nodes[j]);
                out[j] = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    out[j][i] = (float) x[i];
                }
            }
            return out;
        }

        /** Every label's projection has the same number of rows: the first layer's input width. */
        private int projectedWidth() {
            return weights.projections().values().iterator().next().rows();
        }

        private float[] features(long node) {
            float[] f = graph.features(node);
            if (f == null) {
                throw new IllegalArgumentException("node " + node + " has no features");
            }
            return f;
        }

        private double[] project(long node, float[] f) {
            return GraphSage.this.project(node, graph.label(node), f);
        }
    }

    /** A multi-label model's input for a node with this label and features: {@code P_label · [features, 1]}. */
    public double[] project(long node, String label, float[] f) {
        SageWeights.Matrix projection = weights.projections().get(label);
        if (projection == null) {
            throw new IllegalArgumentException("the model has no feature projection for label '" + label
                    + "'; it knows " + weights.projections().keySet());
        }
        if (f.length + 1 != projection.cols()) {
            throw new IllegalArgumentException("node " + node + " (" + label + ") has " + f.length
                    + " features; the model's " + label + " projection takes " + (projection.cols() - 1));
        }
        double[] withBias = new double[f.length + 1];
        for (int i = 0; i < f.length; i++) {
            withBias[i] = f[i];
        }
        withBias[f.length] = 1;
        return times(transposedProjections.get(label), projection.rows(), withBias);
    }

    private static Map<Long, double[]> lru(int limit) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, double[]> eldest) {
                return size() > limit;
            }
        };
    }

    /** {@code W · x_j} for every j, W given transposed: each column is applied to all vectors while it is in cache. */
    static double[][] timesMany(double[] transposed, int rows, double[][] xs) {
        double[][] out = new double[xs.length][rows];
        int cols = xs.length == 0 ? 0 : xs[0].length;
        for (int c = 0; c < cols; c++) {
            int base = c * rows;
            for (int j = 0; j < xs.length; j++) {
                double xc = xs[j][c];
                if (xc == 0) {
                    continue;
                }
                double[] o = out[j];
                for (int r = 0; r < rows; r++) {
                    o[r] += transposed[base + r] * xc;
                }
            }
        }
        return out;
    }

    /** {@code W · x} with W given transposed (cols × rows, row-major): a sum of scaled columns. */
    static double[] times(double[] transposed, int rows, double[] x) {
        double[] out = new double[rows];
        for (int c = 0; c < x.length; c++) {
            double xc = x[c];
            if (xc == 0) {
                continue;
            }
            int base = c * rows;
            for (int r = 0; r < rows; r++) {
                out[r] += transposed[base + r] * xc;
            }
        }
        return out;
    }

    private static double[] transpose(SageWeights.Matrix m) {
        double[] t = new double[m.rows() * m.cols()];
        double[] d = m.data();
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                t[c * m.rows() + r] = d[r * m.cols() + c];
            }
        }
        return t;
    }
}
