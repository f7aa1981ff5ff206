package mmr.model.sage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A trained GraphSAGE model (mean aggregator) as exported from GDS: everything the forward pass
 * needs and nothing of GDS itself, so it can be stored in the graph and used without GDS.
 *
 * @param layers      layer 1 first; layer k aggregates over {@code sampleSize} neighbours with {@code weights}
 * @param activation  applied after every layer
 * @param projections multi-label mode only: per node label, the projection of [features, 1] to the
 *                    common input dimension; empty in single-label mode
 */
public record SageWeights(List<Layer> layers, Activation activation, Map<String, Matrix> projections) {

    public SageWeights {
        Objects.requireNonNull(activation, "activation");
        layers = List.copyOf(layers);
        projections = Map.copyOf(projections);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a GraphSAGE model needs at least one layer");
        }
        for (int k = 1; k < layers.size(); k++) {
            if (layers.get(k).weights().cols() != layers.get(k - 1).weights().rows()) {
                throw new IllegalArgumentException("layer " + (k + 1) + " takes " + layers.get(k).weights().cols()
                        + " inputs but layer " + k + " produces " + layers.get(k - 1).weights().rows());
            }
        }
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

        static final double RELU_LEAK = 0.01;

        double apply(double x) {
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

    /** Dimension of the embeddings this model produces. */
    public int embeddingDimension() {
        return layers.get(layers.size() - 1).weights().rows();
    }
}
