package mmr.model.tfjs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * A TF.js layers model (a Keras functional model) run on DJL up to one named layer. Weights are
 * taken from TF.js's layout (HWC tensors, HWIO kernels) to PyTorch's (NCHW, OIHW); TF's padding
 * rules are kept exactly ('same' pads the extra row and column at the bottom and right). Layers read:
 * InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization, Activation (linear, relu, relu6, sigmoid,
 * tanh, softmax), ReLU (max_value), Add, Concatenate, ZeroPadding2D, MaxPooling2D, AveragePooling2D,
 * GlobalAveragePooling2D, Dropout, Flatten, Dense.
 */
public final class TfjsLayersNet implements TfjsNet {
    /** One layer of the topology. */
    record Layer(String name, String type, Map<String, Object> config, List<String> inputs) {}

    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Layer> byName = new HashMap<>();
    private final TfjsModel model;
    private final int inputSize;
    /** A batch normalisation folded into the convolution before it: BN layer name to that convolution's. */
    private final Map<String, String> foldedInto = new HashMap<>();
    private final Map<String, String> foldedBn = new HashMap<>();
    /** Layer parameters as NDArrays, made once (in the first caller's manager) and kept. */
    private final Map<String, NDArray[]> params = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public TfjsLayersNet(TfjsModel model) {
        this.model = model;
        Map<String, Object> topology = model.topology();
        Object config = topology.containsKey("model_config") ? ((Map<String, Object>) topology.get("model_config")).get("config")
                : topology.get("config");
        if (!(config instanceof Map<?, ?> c) || !(c.get("layers") instanceof List<?> list)) {
            throw new IllegalArgumentException("the TF.js model is not a layers model with a list of layers");
        }
        int size = -1;
        for (Object o : list) {
            Map<String, Object> l = (Map<String, Object>) o;
            List<String> inputs = new ArrayList<>();
            List<Object> nodes = (List<Object>) l.getOrDefault("inbound_nodes", List.of());
            if (!nodes.isEmpty()) {
                for (Object in : (List<Object>) nodes.get(0)) {
                    inputs.add(String.valueOf(((List<Object>) in).get(0)));
                }
            }
            Map<String, Object> cfg = (Map<String, Object>) l.getOrDefault("config", Map.of());
            Layer layer = new Layer(String.valueOf(l.containsKey("name") ? l.get("name") : cfg.get("name")),
                    String.valueOf(l.get("class_name")), cfg, inputs);
            if (layer.type().equals("InputLayer") && cfg.get("batch_input_shape") instanceof List<?> shape && shape.size() == 4) {
                size = shape.get(1) instanceof Number n ? n.intValue() : -1;
            }
            layers.add(layer);
            byName.put(layer.name(), layer);
        }
        this.inputSize = size;
        Map<String, Integer> consumers = new HashMap<>();
        layers.forEach(l -> l.inputs().forEach(i -> consumers.merge(i, 1, Integer::sum)));
        for (Layer l : layers) {   // Conv → BatchNormalization, the BN its only reader and the conv linear: one affine conv
            if (l.type().equals("BatchNormalization") && l.inputs().size() == 1) {
                Layer conv = byName.get(l.inputs().get(0));
                if (conv != null && (conv.type().equals("Conv2D") || conv.type().equals("DepthwiseConv2D"))
                        && consumers.getOrDefault(conv.name(), 0) == 1
                        && "linear".equals(String.valueOf(conv.config().getOrDefault("activation", "linear")))) {
                    foldedInto.put(l.name(), conv.name());
                    foldedBn.put(conv.name(), l.name());
                }
            }
        }
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    /** The layers' names, in order. */
    @Override
    public List<String> outputNames() {
        return layers.stream().map(Layer::name).toList();
    }

    @Override
    public String headInput() {
        Layer l = layers.get(layers.size() - 1);
        while (l != null && (l.type().equals("Activation") || l.type().equals("Dropout")) && l.inputs().size() == 1) {
            l = byName.get(l.inputs().get(0));
        }
        if (l == null || !l.type().equals("Dense") || l.inputs().size() != 1) {
            throw new IllegalArgumentException("the TF.js model ends in no dense classifier whose input could be the features; name a layer");
        }
        return l.inputs().get(0);
    }

    @Override
    public float[][] pooled(NDManager manager, float[] input, int n, int h, int w, String target) {
        if (!byName.containsKey(target)) {
            throw new IllegalArgumentException("the TF.js model has no layer '" + target + "'; its layers include "
                    + outputNames().subList(Math.max(0, layers.size() - 8), layers.size()));
        }
        Set<String> needed = needed(target);
        boolean fold = !foldedBn.containsKey(target);   // a folded conv asked for itself runs unfolded
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            NDArray x = scope.create(input, new Shape(n, h, w, 3)).transpose(0, 3, 1, 2);
            for (Layer l : layers) {
                if (!needed.contains(l.name())) {
                    continue;
                }
                List<NDArray> in = new ArrayList<>();
                for (String i : l.inputs()) {
                    in.add(out.get(i));
                }
                NDArray y = l.type().equals("InputLayer") ? x : apply(manager, l, in, fold);
                out.put(l.name(), y);
                if (l.name().equals(target)) {
                    return TfOps.rows(y, n);
                }
            }
        }
        throw new IllegalStateException("layer '" + target + "' was not reached");
    }

    /** The layers {@code target} depends on, itself included. */
    private Set<String> needed(String target) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(target));
        while (!todo.isEmpty()) {
            String name = todo.remove(todo.size() - 1);
            if (seen.add(name)) {
                Layer l = byName.get(name);
                if (l == null) {
                    throw new IllegalArgumentException("the TF.js model's layer graph names a missing layer '" + name + "'");
                }
                todo.addAll(l.inputs());
            }
        }
        return seen;
    }

    /**
     * A batch normalisation as a per-channel affine map {@code y = a·x + b}: a = γ / √(σ² + ε),
     * b = β − μ·a (γ = 1 without scale, β = 0 without center).
     */
    private float[][] affine(Layer bn) {
        Map<String, Object> c = bn.config();
        double eps = num(c, "epsilon", 1e-3);
        float[] mean = model.weight(bn.name() + "/moving_mean").values();
        float[] var = model.weight(bn.name() + "/moving_variance").values();
        float[] gamma = bool(c, "scale", true) ? model.weight(bn.name() + "/gamma").values() : null;
        float[] beta = bool(c, "center", true) ? model.weight(bn.name() + "/beta").values() : null;
        float[] a = new float[mean.length];
        float[] b = new float[mean.length];
        for (int i = 0; i < a.length; i++) {
            double ai = (gamma == null ? 1 : gamma[i]) / Math.sqrt(var[i] + eps);
            a[i] = (float) ai;
            b[i] = (float) ((beta == null ? 0 : beta[i]) - mean[i] * ai);
        }
        return new float[][] {a, b};
    }

    /**
     * A convolution's kernel (OIHW) and bias, with the batch normalisation after it folded in when
     * {@code fold}: kernel·a per output channel, bias·a + b.
     */
    private NDArray[] convParams(NDManager m, Layer l, boolean fold) {
        return params.computeIfAbsent(l.name() + (fold ? "#folded" : ""), key -> {
            boolean depthwise = l.type().equals("DepthwiseConv2D");
            TfjsModel.Weight k = model.weight(l.name() + (depthwise ? "/depthwise_kernel" : "/kernel"));   // HWIO / HWCM
            int kh = k.shape()[0];
            int kw = k.shape()[1];
            int outs = depthwise ? k.shape()[2] * k.shape()[3] : k.shape()[3];
            float[] kernel = k.values().clone();   // HW × (I·O): the output channel is the fastest index either way
            float[] bias = bool(l.config(), "use_bias", true) ? model.weight(l.name() + "/bias").values().clone() : new float[outs];
            if (fold) {
                float[][] ab = affine(byName.get(foldedBn.get(l.name())));
                for (int i = 0; i < kernel.length; i++) {
                    kernel[i] *= ab[0][i % outs];
                }
                for (int o = 0; o < outs; o++) {
                    bias[o] = bias[o] * ab[0][o] + ab[1][o];
                }
            }
            NDArray w = TfOps.oihwKernel(m, kernel, kh, kw, k.shape()[2], outs, depthwise);
            return new NDArray[] {w, m.create(bias), m.create(new float[] {depthwise ? k.shape()[2] : 1})};
        });
    }

    private NDArray apply(NDManager m, Layer l, List<NDArray> in, boolean fold) {
        Map<String, Object> c = l.config();
        NDArray x = in.isEmpty() ? null : in.get(0);
        switch (l.type()) {
            case "Conv2D":
            case "DepthwiseConv2D": {
                NDArray[] p = convParams(m, l, fold && foldedBn.containsKey(l.name()));
                int groups = (int) p[2].getFloat();
                int[] s = c.get("strides") == null ? new int[] {1, 1} : ints(c.get("strides"));
                int[] d = c.get("dilation_rate") == null ? new int[] {1, 1} : ints(c.get("dilation_rate"));
                NDArray y = TfOps.conv(x, p[0], p[1], ints(c.get("kernel_size")), s, d, "same".equals(c.get("padding")), groups);
                return activation(y, String.valueOf(c.getOrDefault("activation", "linear")));
            }
            case "BatchNormalization": {
                if (fold && foldedInto.containsKey(l.name())) {
                    return x;   // folded into the convolution before it
                }
                NDArray[] p = params.computeIfAbsent(l.name(), key -> {
                    float[][] ab = affine(l);
                    return new NDArray[] {channel(m, ab[0]), channel(m, ab[1])};
                });
                if (p[0].getShape().get(1) != x.getShape().get(1)) {
                    throw new IllegalArgumentException("batch normalisation '" + l.name() + "' has " + p[0].getShape().get(1)
                            + " channels, its input " + x.getShape().get(1));
                }
                return x.mul(p[0]).add(p[1]);
            }
            case "Activation":
                return activation(x, String.valueOf(c.get("activation")));
            case "ReLU": {
                NDArray y = x.maximum(0);
                Object max = c.get("max_value");
                return max instanceof Number v ? y.minimum(v.doubleValue()) : y;
            }
            case "Add": {
                NDArray y = in.get(0);
                for (int i = 1; i < in.size(); i++) {
                    y = y.add(in.get(i));
                }
                return y;
            }
            case "Concatenate": {
                int axis = (int) num(c, "axis", -1);
                if (axis != -1 && axis != 3) {
                    throw new IllegalArgumentException("Concatenate '" + l.name() + "' on axis " + axis + "; read: the channel axis");
                }
                return NDArrays.concat(new NDList(in), 1);
            }
            case "ZeroPadding2D": {
                int[][] p = pairs(c.get("padding"));
                return x.pad(new Shape(p[1][0], p[1][1], p[0][0], p[0][1]), 0);
            }
            case "MaxPooling2D":
            case "AveragePooling2D": {
                int[] k = ints(c.get("pool_size"));
                int[] s = c.get("strides") == null ? k : ints(c.get("strides"));
                return TfOps.pool(x, k, s, "same".equals(c.get("padding")), l.type().startsWith("Max"));
            }
            case "GlobalAveragePooling2D":
                return TfOps.spatialMean(x);
            case "Dropout":
                return x;
            case "Flatten":   // TF flattens HWC order
                return x.getShape().dimension() == 4 ? x.transpose(0, 2, 3, 1).reshape(x.getShape().get(0), -1) : x;
            case "Dense": {
                NDArray[] p = params.computeIfAbsent(l.name(), key -> {
                    TfjsModel.Weight k = model.weight(l.name() + "/kernel");   // [in, out]
                    return new NDArray[] {m.create(k.values(), new Shape(k.shape()[0], k.shape()[1])),
                            bool(c, "use_bias", true) ? m.create(model.weight(l.name() + "/bias").values()) : null};
                });
                NDArray y = x.matMul(p[0]);
                if (p[1] != null) {
                    y = y.add(p[1]);
                }
                return activation(y, String.valueOf(c.getOrDefault("activation", "linear")));
            }
            default:
                throw new IllegalArgumentException("TF.js layer '" + l.name() + "' is a " + l.type() + ", which is not read");
        }
    }

    private static NDArray activation(NDArray x, String name) {
        return switch (name) {
            case "linear" -> x;
            case "relu" -> x.maximum(0);
            case "relu6" -> x.clip(0, 6);
            case "sigmoid" -> Activation.sigmoid(x);
            case "tanh" -> x.tanh();
            case "softmax" -> x.softmax(-1);
            default -> throw new IllegalArgumentException("TF.js activation '" + name + "' is not read");
        };
    }

    private static NDArray channel(NDManager m, float[] v) {
        return m.create(v, new Shape(1, v.length, 1, 1));
    }

    private static boolean bool(Map<String, Object> c, String key, boolean fallback) {
        return c.get(key) instanceof Boolean b ? b : fallback;
    }

    private static double num(Map<String, Object> c, String key, double fallback) {
        return c.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    private static int[] ints(Object o) {
        if (o instanceof Number n) {
            return new int[] {n.intValue(), n.intValue()};
        }
        List<?> l = (List<?>) o;
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }

    /** ZeroPadding2D's padding: a number, [h, w] or [[top, bottom], [left, right]]. */
    private static int[][] pairs(Object o) {
        if (o instanceof Number n) {
            return new int[][] {{n.intValue(), n.intValue()}, {n.intValue(), n.intValue()}};
        }
        List<?> l = (List<?>) o;
        if (l.get(0) instanceof Number) {
            int h = ((Number) l.get(0)).intValue();
            int w = ((Number) l.get(1)).intValue();
            return new int[][] {{h, h}, {w, w}};
        }
        return new int[][] {ints(l.get(0)), ints(l.get(1))};
    }
}
