package mmr.model.sage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A trained GraphSAGE model: everything the forward pass needs and nothing of the trainer, so it can
 * be stored in the graph and used without GDS. Two aggregators:
 * <ul>
 *   <li>{@link Aggregator#MEAN} (GDS's): {@code h_k(v) = act(W_k · mean({h(v)} ∪ h(sample)))}, after every layer;</li>
 *   <li>{@link Aggregator#CONCAT} (mmr's own trainer; GraphSAGE's original mean aggregator with the self
 *       term kept apart): {@code h_k(v) = act(W_k · [h(v) ‖ mean(h(sample))])}, the mean of an empty
 *       sample being 0, and no activation after the last layer. {@code W_k} then has twice the
 *       columns of its input.</li>
 * </ul>
 *
 * @param layers      layer 1 first; layer k aggregates over {@code sampleSize} neighbours with {@code weights}
 * @param activation  applied after every layer (MEAN) or every layer but the last (CONCAT)
 * @param projections multi-label mode only: per node label, the projection of [features, 1] to the
 *                    common input dimension; empty in single-label mode
 */
public record SageWeights(List<Layer> layers, Activation activation, Map<String, Matrix> projections, Aggregator aggregator) {

    public SageWeights {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(aggregator, "aggregator");
        layers = List.copyOf(layers);
        projections = Map.copyOf(projections);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a GraphSAGE model needs at least one layer");
        }
        int factor = aggregator == Aggregator.CONCAT ? 2 : 1;
        for (int k = 1; k < layers.size(); k++) {
            if (layers.get(k).weights().cols() != factor * layers.get(k - 1).weights().rows()) {
                throw new IllegalArgumentException("layer " + (k + 1) + " takes " + layers.get(k).weights().cols()
                        + " inputs but layer " + k + " produces " + layers.get(k - 1).weights().rows()
                        + (factor == 2 ? " (concat: twice that)" : ""));
            }
        }
        if (factor == 2 && layers.get(0).weights().cols() % 2 != 0) {
            throw new IllegalArgumentException("a concat layer takes [self, neighbour mean]: an even number of columns, got "
                    + layers.get(0).weights().cols());
        }
    }

    /** A GDS (mean-aggregator) model. */
    public SageWeights(List<Layer> layers, Activation activation, Map<String, Matrix> projections) {
        this(layers, activation, projections, Aggregator.MEAN);
    }

    /** How a layer combines a node with its sampled neighbours. */
    public enum Aggregator {
        MEAN, CONCAT;

        public static Aggregator parse(String name) {
            if (name == null) {
                return MEAN;
            }
            for (Aggregator a : values()) {
                if (a.name().equalsIgnoreCase(name.strip())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown aggregator '" + name + "'; accepted: mean, concat");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether layer {@code k} (1-based) applies the activation. */
    public boolean activates(int k) {
        return aggregator == Aggregator.MEAN || k < layers.size();
    }

    /** One mean-aggregator layer: {@code h = activation(W · mean(self ∪ sampled neighbours))}. */
    public record Layer(int sampleSize, Matrix weights) {
        public Layer {
            if (sampleSize <= 0) {
                throw new IllegalArgumentException("sample size must be positive, got " + sampleSize);
            }
        }
    }

    /** Row-major dense matrix. */
    public record Matrix(int rows, int cols, double[] data) {
        public Matrix {
            if (rows <= 0 || cols <= 0 || data.length != rows * cols) {
                throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix needs " + rows * cols
                        + " values, got " + data.length);
            }
        }

        /** {@code this · x} for a vector of length {@code cols}. */
        double[] times(double[] x) {
            if (x.length != cols) {
                throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix cannot multiply a vector of "
                        + x.length);
            }
            double[] out = new double[rows];
            for (int r = 0; r < rows; r++) {
                double s = 0;
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    s += data[base + c] * x[c];
                }
                out[r] = s;
            }
            return out;
        }
    }

    /** Activation functions GDS GraphSAGE offers. GDS's "relu" is leaky, with slope 0.01 below zero. */
    public enum Activation {
        SIGMOID, RELU;

        public static final double RELU_LEAK = 0.01;

        public double apply(double x) {
            if (this == RELU) {
                return x > 0 ? x : RELU_LEAK * x;
            }
            return 1 / (1 + Math.exp(-x));
        }

        public static Activation parse(String name) {
            for (Activation a : values()) {
                if (a.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown activation '" + name + "'; accepted: sigmoid, relu");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean multiLabel() {
        return !projections.isEmpty();
    }

    /** Number of weights: every layer's and every projection's matrix entries. */
    public long parameters() {
        long n = 0;
        for (Layer layer : layers) {
            n += (long) layer.weights().rows() * layer.weights().cols();
        }
        for (Matrix m : projections.values()) {
            n += (long) m.rows() * m.cols();
        }
        return n;
    }

    /** Dimension of the embeddings this model produces. */
    public int embeddingDimension() {
        return layers.get(layers.size() - 1).weights().rows();
    }
}
