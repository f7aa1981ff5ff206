package mmr.model.tfjs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TF.js model read from a folder: its topology and its weights, dequantized. Two layouts are
 * read: the converter's own ({@code model.json} and binary shards named in its weights manifest)
 * and the bundled one npm packages ship ({@code model.min.js}, whose {@code module.exports} is that
 * same JSON as a JavaScript literal, and shards {@code <path>.min.js} holding base64 strings).
 * Quantized weights are {@code min + scale·q} for uint8/uint16 {@code q} (the TF.js converter's
 * affine quantization); float32 weights are read as they are. No code in the files is run.
 *
 * @param topology {@code modelTopology} (a Keras layers model) or, for a graph model, the graph
 * @param format   {@code "layers-model"} or {@code "graph-model"}
 * @param weights  each weight by name, in the manifest's order
 */
public record TfjsModel(Map<String, Object> topology, String format, Map<String, Weight> weights) {
    /** One weight: its shape and values (row-major, as TF.js stores them). */
    public record Weight(int[] shape, float[] values) {}

    private static final Pattern EXPORTS = Pattern.compile("exports\\s*=\\s*([{\"'])");
    /** Largest weights file set read (the biggest nsfwjs model is 30 MB of base64). */
    private static final long MAX_BYTES = 512L * 1024 * 1024;

    /** Reads the model in {@code folder}; a clear error when the folder holds no TF.js model or a shard is short. */
    @SuppressWarnings("unchecked")
    public static TfjsModel read(Path folder) {
        Path json = folder.resolve("model.json");
        Path bundled = folder.resolve("model.min.js");
        Map<String, Object> root;
        boolean isBundled;
        try {
            if (Files.isRegularFile(json)) {
                root = asMap(JsLiteral.parse(Files.readString(json, StandardCharsets.UTF_8)), json);
                isBundled = false;
            } else if (Files.isRegularFile(bundled)) {
                root = asMap(exported(Files.readString(bundled, StandardCharsets.UTF_8), bundled), bundled);
                isBundled = true;
            } else {
                throw new IllegalArgumentException("'" + folder + "' holds no TF.js model (neither model.json nor model.min.js)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TF.js model in '" + folder + "': " + e.getMessage(), e);
        }
        Object topology = root.get("modelTopology");
        Object manifest = root.get("weightsManifest");
        if (!(topology instanceof Map) || !(manifest instanceof List)) {
            throw new IllegalArgumentException("'" + folder + "' is not a TF.js model: it has no modelTopology and weightsManifest");
        }
        String format = String.valueOf(root.getOrDefault("format",
                ((Map<String, Object>) topology).containsKey("node") ? "graph-model" : "layers-model"));
        Map<String, Weight> weights = new LinkedHashMap<>();
        long total = 0;
        for (Object g : (List<Object>) manifest) {
            Map<String, Object> group = asMap(g, folder);
            ByteBuffer data = shards(folder, (List<Object>) group.get("paths"), isBundled);
            total += data.capacity();
            if (total > MAX_BYTES) {
                throw new IllegalArgumentException("the TF.js model in '" + folder + "' has more than " + MAX_BYTES + " bytes of weights");
            }
            for (Object w : (List<Object>) group.get("weights")) {
                Map<String, Object> spec = asMap(w, folder);
                String name = (String) spec.get("name");
                int[] shape = ((List<Object>) spec.get("shape")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
                int count = 1;
                for (int d : shape) {
                    count *= d;
                }
                Map<String, Object> q = spec.get("quantization") instanceof Map ? (Map<String, Object>) spec.get("quantization") : null;
                String dtype = q != null ? String.valueOf(q.get("dtype")) : String.valueOf(spec.getOrDefault("dtype", "float32"));
                int width = switch (dtype) {
                    case "uint8" -> 1;
                    case "uint16", "float16" -> 2;
                    case "float32", "int32" -> 4;
                    default -> throw new IllegalArgumentException("weight '" + name + "' has dtype '" + dtype
                            + "'; read: float32, int32, uint8, uint16");
                };
                if (data.remaining() < (long) count * width) {
                    throw new IllegalArgumentException("the TF.js model in '" + folder + "' is truncated: weight '" + name + "' needs "
                            + (long) count * width + " bytes, its shards have " + data.remaining() + " left");
                }
                float[] values = new float[count];
                if (q != null) {
                    double min = ((Number) q.get("min")).doubleValue();
                    double scale = ((Number) q.get("scale")).doubleValue();
                    for (int i = 0; i < count; i++) {
                        int raw = width == 1 ? data.get() & 0xff : data.getShort() & 0xffff;
                        values[i] = (float) (min + scale * raw);
                    }
                } else if (dtype.equals("int32")) {
                    for (int i = 0; i < count; i++) {
                        values[i] = data.getInt();
                    }
                } else {
                    for (int i = 0; i < count; i++) {
                        values[i] = data.getFloat();
                    }
                }
                weights.put(name, new Weight(shape, values));
            }
        }
        return new TfjsModel((Map<String, Object>) topology, format, weights);
    }

    /** A weight by name, with a clear error when the model lacks it. */
    public Weight weight(String name) {
        Weight w = weights.get(name);
        if (w == null) {
            throw new IllegalArgumentException("the TF.js model has no weight '" + name + "'");
        }
        return w;
    }

    private static ByteBuffer shards(Path folder, List<Object> paths, boolean bundled) {
        List<byte[]> parts = new ArrayList<>();
        int size = 0;
        for (Object p : paths) {
            String name = String.valueOf(p);
            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("weight shard '" + name + "' is not a file name in the model's folder");
            }
            try {
                byte[] bytes;
                Path raw = folder.resolve(name);
                Path js = folder.resolve(name + ".min.js");
                if (!Files.isRegularFile(js) && name.endsWith(".bin")) {
                    js = folder.resolve(name.substring(0, name.length() - 4) + ".min.js");
                }
                if (!bundled && Files.isRegularFile(raw)) {
                    bytes = Files.readAllBytes(raw);
                } else if (Files.isRegularFile(js)) {
                    Object literal = exported(Files.readString(js, StandardCharsets.US_ASCII), js);
                    if (!(literal instanceof String b64)) {
                        throw new IllegalArgumentException("weight shard '" + js + "' holds no base64 string");
                    }
                    bytes = Base64.getDecoder().decode(b64);
                } else {
                    throw new IllegalArgumentException("weight shard '" + name + "' of the TF.js model in '" + folder + "' is missing");
                }
                parts.add(bytes);
                size += bytes.length;
            } catch (IOException | IllegalArgumentException e) {
                if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("weight shard")) {
                    throw iae;
                }
                throw new IllegalArgumentException("cannot read weight shard '" + name + "' in '" + folder + "': " + e.getMessage(), e);
            }
        }
        ByteBuffer all = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        parts.forEach(all::put);
        all.flip();
        return all;
    }

    /** The literal a bundled file assigns to {@code module.exports}. */
    private static Object exported(String text, Path file) {
        Matcher m = EXPORTS.matcher(text);
        while (m.find()) {
            try {
                return JsLiteral.parse(text, m.start(1));
            } catch (IllegalArgumentException e) {
                // a wrapper's own "exports=" (e.g. exports=a()) — try the next assignment
            }
        }
        throw new IllegalArgumentException("'" + file + "' exports no TF.js model data");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, Path where) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("'" + where + "' is not a TF.js model: expected an object");
        }
        return (Map<String, Object>) o;
    }
}
