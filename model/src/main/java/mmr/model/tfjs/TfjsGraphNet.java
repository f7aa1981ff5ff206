package mmr.model.tfjs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A TF.js graph model (a frozen TensorFlow graph, as the TF.js converter writes it) run on DJL up
 * to one named node. Tensors are kept NCHW; TF's NHWC axes, HWIO/HWCM kernels and padding rules
 * are translated. Ops read: Placeholder, Const, Identity, Add, AddV2, Sub, Mul, BiasAdd, Relu,
 * Relu6, Conv2D, DepthwiseConv2dNative, _FusedConv2D and FusedDepthwiseConv2dNative (fused BiasAdd,
 * Relu, Relu6), AvgPool, MaxPool, Mean, Squeeze, MatMul, _FusedMatMul (fused BiasAdd), Softmax.
 * A VALID pool whose window covers its whole input pools all of it, so a feature vector's fixed
 * global pool still works when the model runs at a smaller side than its own. Intermediate tensors
 * are freed once their last reader has run.
 */
public final class TfjsGraphNet implements TfjsNet {
    /** One node: its op, data inputs (control inputs dropped) and attributes. */
    record Node(String name, String op, List<String> inputs, Map<String, Object> attr) {}

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();
    private final TfjsModel model;
    private final String input;
    private final int inputSize;
    /** Constants and converted kernels as NDArrays, made once (in the first caller's manager) and kept. */
    private final Map<String, NDArray> params = new ConcurrentHashMap<>();
    /** The nodes each target needs, in an order that runs inputs first. */
    private final Map<String, List<Node>> plans = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public TfjsGraphNet(TfjsModel model) {
        this.model = model;
        if (!(model.topology().get("node") instanceof List<?> list)) {
            throw new IllegalArgumentException("the TF.js model is not a graph model with a list of nodes");
        }
        String placeholder = null;
        int size = -1;
        for (Object o : list) {
            Map<String, Object> n = (Map<String, Object>) o;
            List<String> inputs = new ArrayList<>();
            for (Object in : (List<Object>) n.getOrDefault("input", List.of())) {
                String s = String.valueOf(in);
                if (!s.startsWith("^")) {
                    inputs.add(s.endsWith(":0") ? s.substring(0, s.length() - 2) : s);
                }
            }
            Node node = new Node(String.valueOf(n.get("name")), String.valueOf(n.get("op")), inputs,
                    (Map<String, Object>) n.getOrDefault("attr", Map.of()));
            nodes.put(node.name(), node);
            if (node.op().equals("Placeholder")) {
                if (placeholder != null) {
                    throw new IllegalArgumentException("the TF.js graph model has more than one input ('" + placeholder + "', '"
                            + node.name() + "'); read: one image input");
                }
                placeholder = node.name();
                List<Object> dims = dims(node.attr());
                if (dims.size() == 4 && dims.get(1) instanceof Map<?, ?> d && d.get("size") != null) {
                    size = Integer.parseInt(String.valueOf(d.get("size")));
                }
            } else if (!node.op().equals("Const")) {
                outputs.add(node.name());
            }
        }
        if (placeholder == null) {
            throw new IllegalArgumentException("the TF.js graph model has no input (Placeholder) node");
        }
        this.input = placeholder;
        this.inputSize = size;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> dims(Map<String, Object> attr) {
        try {
            Map<String, Object> shape = (Map<String, Object>) ((Map<String, Object>) attr.get("shape")).get("shape");
            return (List<Object>) shape.getOrDefault("dim", List.of());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public List<String> outputNames() {
        return outputs;
    }

    @Override
    public String headInput() {
        Set<String> read = new HashSet<>();
        nodes.values().forEach(n -> read.addAll(n.inputs()));
        List<String> ends = outputs.stream().filter(o -> !read.contains(o)).toList();
        if (ends.size() == 1) {
            Node n = nodes.get(ends.get(0));
            while (n != null && Set.of("Identity", "Softmax", "Sigmoid", "BiasAdd", "Relu", "Relu6").contains(n.op())) {
                n = nodes.get(n.inputs().get(0));
            }
            if (n != null && (n.op().equals("MatMul") || n.op().equals("_FusedMatMul"))) {
                return n.inputs().get(0);
            }
        }
        throw new IllegalArgumentException("the TF.js graph model ends in no matrix product whose input could be the features; "
                + "name a node");
    }

    @Override
    public float[][] pooled(NDManager manager, float[] pixels, int n, int h, int w, String target) {
        if (!outputs.contains(target)) {
            resolve(target);   // names what is wrong
        }
        List<Node> plan = plans.computeIfAbsent(target, this::plan);
        Map<String, Integer> readers = new HashMap<>();
        plan.forEach(node -> node.inputs().forEach(i -> readers.merge(i, 1, Integer::sum)));
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> values = new HashMap<>();
            for (Node node : plan) {
                NDArray y;
                if (node.name().equals(input)) {
                    y = scope.create(pixels, new Shape(n, h, w, 3)).transpose(0, 3, 1, 2);
                } else if (node.op().equals("Const")) {
                    y = constant(manager, node.name());
                } else {
                    List<NDArray> in = new ArrayList<>();
                    for (String i : node.inputs()) {
                        in.add(values.get(i));
                    }
                    y = apply(manager, node, in);
                    if (y.getManager() != scope && !holds(in, y) && !holds(params.values(), y)) {
                        y.attach(scope);   // a result computed from a constant first lives in the constants' manager
                    }
                }
                values.put(node.name(), y);
                if (node.name().equals(target)) {
                    return TfOps.rows(y, n);
                }
                for (String i : node.inputs()) {   // free what no later node reads (constants are kept)
                    if (readers.merge(i, -1, Integer::sum) == 0 && !nodes.get(i).op().equals("Const")) {
                        NDArray done = values.remove(i);
                        if (done != null && !holds(values.values(), done) && !holds(params.values(), done)) {
                            done.close();
                        }
                    }
                }
            }
        }
        throw new IllegalStateException("node '" + target + "' was not reached");
    }

    /** Whether {@code arrays} holds this very array (NDArray's equals compares contents). */
    private static boolean holds(Collection<NDArray> arrays, NDArray a) {
        for (NDArray x : arrays) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }

    /** The nodes {@code target} depends on, inputs first. */
    private List<Node> plan(String target) {
        List<Node> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        List<String[]> stack = new ArrayList<>();   // {name, "0" to expand / "1" to emit}
        stack.add(new String[] {target, "0"});
        while (!stack.isEmpty()) {
            String[] top = stack.remove(stack.size() - 1);
            Node node = nodes.get(top[0]);
            if (node == null) {
                throw new IllegalArgumentException("the TF.js graph names a missing node '" + top[0] + "'");
            }
            if (done.contains(node.name())) {
                continue;
            }
            if (top[1].equals("1")) {
                done.add(node.name());
                order.add(node);
                continue;
            }
            stack.add(new String[] {node.name(), "1"});
            for (String i : node.inputs()) {
                if (!done.contains(i)) {
                    stack.add(new String[] {i, "0"});
                }
            }
        }
        return order;
    }

    private NDArray constant(NDManager m, String name) {
        return params.computeIfAbsent(name, k -> {
            TfjsModel.Weight w = model.weight(name);
            long[] shape = new long[w.shape().length];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = w.shape()[i];
            }
            return m.create(w.values(), new Shape(shape));
        });
    }

    private NDArray apply(NDManager m, Node node, List<NDArray> in) {
        NDArray x = in.isEmpty() ? null : in.get(0);
        switch (node.op()) {
            case "Identity":
                return x;
            case "Add":
            case "AddV2":
            case "BiasAdd":
                return x.add(broadcastable(in.get(1), x));
            case "Sub":
                return x.sub(broadcastable(in.get(1), x));
            case "Mul":
                return broadcastable(x, in.get(1)).mul(broadcastable(in.get(1), x));
            case "Relu":
                return x.maximum(0);
            case "Relu6":
                return x.clip(0, 6);   // one op, not two: MobileNets apply it after nearly every convolution
            case "Softmax":
                return x.softmax(-1);
            case "Conv2D":
            case "DepthwiseConv2dNative":
            case "_FusedConv2D":
            case "FusedDepthwiseConv2dNative":
                return convolution(m, node, x);
            case "AvgPool":
            case "MaxPool": {
                int[] k = spatial(ints(node, "ksize"));
                int[] s = spatial(ints(node, "strides"));
                boolean max = node.op().equals("MaxPool");
                if (!padding(node) && k[0] >= x.getShape().get(2) && k[1] >= x.getShape().get(3)) {
                    // a window covering the whole input (a feature vector's global pool, run at a smaller side
                    // than the model's own) pools all of it
                    NDArray y = max ? x.max(new int[] {3}).max(new int[] {2}) : TfOps.spatialMean(x);
                    return y.reshape(y.getShape().get(0), y.getShape().get(1), 1, 1);
                }
                return TfOps.pool(x, k, s, padding(node), max);
            }
            case "Mean": {
                int[] axes = ints(constant(m, node.inputs().get(1)).toFloatArray());
                if (x.getShape().dimension() != 4 || axes.length != 2 || Math.min(axes[0], axes[1]) != 1 || Math.max(axes[0], axes[1]) != 2) {
                    throw new IllegalArgumentException("Mean '" + node.name() + "' over axes " + Arrays.toString(axes)
                            + "; read: the spatial axes [1, 2] of an image tensor");
                }
                NDArray y = TfOps.spatialMean(x);
                return flag(node, "keep_dims") ? y.reshape(y.getShape().get(0), y.getShape().get(1), 1, 1) : y;
            }
            case "Squeeze": {
                if (x.getShape().dimension() == 4) {
                    long c = x.getShape().get(1);
                    if (x.getShape().get(2) != 1 || x.getShape().get(3) != 1) {
                        throw new IllegalArgumentException("Squeeze '" + node.name() + "' of shape " + x.getShape()
                                + "; read: squeezing 1×1 spatial axes");
                    }
                    return x.reshape(x.getShape().get(0), c);
                }
                return x;
            }
            case "MatMul":
            case "_FusedMatMul": {
                NDArray a = flag(node, "transpose_a") ? x.transpose() : x;
                NDArray b = constantOr(m, node.inputs().get(1), in.get(1));
                NDArray y = a.matMul(flag(node, "transpose_b") ? b.transpose() : b);
                List<String> fused = fused(node);
                for (String op : fused) {
                    if (!op.equals("BiasAdd")) {
                        throw new IllegalArgumentException("_FusedMatMul '" + node.name() + "' fuses " + op + "; read: BiasAdd");
                    }
                    y = y.add(in.get(2));
                }
                return y;
            }
            default:
                throw new IllegalArgumentException("TF.js graph node '" + node.name() + "' is a " + node.op() + ", which is not read");
        }
    }

    /** A convolution (depthwise or not), with the bias and activation a fused one names. */
    private NDArray convolution(NDManager m, Node node, NDArray x) {
        boolean depthwise = node.op().contains("Depthwise");
        String format = string(node, "data_format", "NHWC");
        if (!format.equals("NHWC")) {
            throw new IllegalArgumentException("convolution '" + node.name() + "' has data format " + format + "; read: NHWC");
        }
        String kernelName = node.inputs().get(1);
        TfjsModel.Weight k = model.weight(kernelName);   // HWIO, or HWCM for a depthwise one
        int outs = depthwise ? k.shape()[2] * k.shape()[3] : k.shape()[3];
        NDArray kernel = params.computeIfAbsent(kernelName + "#OIHW",
                key -> TfOps.oihwKernel(m, k.values(), k.shape()[0], k.shape()[1], k.shape()[2], outs, depthwise));
        List<String> fused = node.op().startsWith("Fused") || node.op().startsWith("_Fused") ? fused(node) : List.of();
        NDArray bias = null;
        String activation = null;
        for (String op : fused) {
            switch (op) {
                case "BiasAdd" -> bias = constant(m, node.inputs().get(2));
                case "Relu", "Relu6" -> activation = op;
                default -> throw new IllegalArgumentException("convolution '" + node.name() + "' fuses " + op + "; read: BiasAdd, Relu, Relu6");
            }
        }
        if (bias == null) {
            bias = params.computeIfAbsent(kernelName + "#nobias", key -> m.zeros(new Shape(outs)));
        }
        int[] s = spatial(ints(node, "strides"));
        int[] d = node.attr().containsKey("dilations") ? spatial(ints(node, "dilations")) : new int[] {1, 1};
        NDArray y = TfOps.conv(x, kernel, bias, new int[] {k.shape()[0], k.shape()[1]}, s, d, padding(node),
                depthwise ? k.shape()[2] : 1);
        if (activation == null) {
            return y;
        }
        return activation.equals("Relu6") ? y.clip(0, 6) : y.maximum(0);
    }

    /** A 1-d constant next to an NCHW tensor is per channel: (1, C, 1, 1). */
    private static NDArray broadcastable(NDArray v, NDArray other) {
        if (v.getShape().dimension() == 1 && other.getShape().dimension() == 4 && v.getShape().get(0) > 1) {
            return v.reshape(1, v.getShape().get(0), 1, 1);
        }
        return v;
    }

    private NDArray constantOr(NDManager m, String name, NDArray value) {
        Node n = nodes.get(name);
        return n != null && n.op().equals("Const") ? constant(m, name) : value;
    }

    /** 'SAME' → true, 'VALID' → false; other paddings are named errors. */
    private static boolean padding(Node node) {
        String p = string(node, "padding", "VALID");
        return switch (p) {
            case "SAME" -> true;
            case "VALID" -> false;
            default -> throw new IllegalArgumentException("node '" + node.name() + "' has padding " + p + "; read: SAME, VALID");
        };
    }

    /** The H and W entries of an NHWC attribute list. */
    private static int[] spatial(int[] nhwc) {
        return nhwc.length == 4 ? new int[] {nhwc[1], nhwc[2]} : nhwc.length == 2 ? nhwc : new int[] {nhwc[0], nhwc[0]};
    }

    @SuppressWarnings("unchecked")
    private static int[] ints(Node node, String key) {
        Object v = node.attr().get(key);
        if (v instanceof Map<?, ?> a && a.get("list") instanceof Map<?, ?> l && l.get("i") instanceof List<?> list) {
            return list.stream().mapToInt(o -> Integer.parseInt(String.valueOf(o))).toArray();
        }
        throw new IllegalArgumentException("node '" + node.name() + "' has no list attribute '" + key + "'");
    }

    private static int[] ints(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(values[i]);
        }
        return out;
    }

    private static boolean flag(Node node, String key) {
        return node.attr().get(key) instanceof Map<?, ?> a && Boolean.TRUE.equals(a.get("b"));
    }

    /** A string attribute (TF.js writes them base64). */
    private static String string(Node node, String key, String fallback) {
        if (node.attr().get(key) instanceof Map<?, ?> a && a.get("s") != null) {
            return new String(Base64.getDecoder().decode(String.valueOf(a.get("s"))), StandardCharsets.UTF_8);
        }
        return fallback;
    }

    private static List<String> fused(Node node) {
        if (node.attr().get("fused_ops") instanceof Map<?, ?> a && a.get("list") instanceof Map<?, ?> l && l.get("s") instanceof List<?> list) {
            return list.stream().map(o -> new String(Base64.getDecoder().decode(String.valueOf(o)), StandardCharsets.UTF_8)).toList();
        }
        return List.of();
    }
}
