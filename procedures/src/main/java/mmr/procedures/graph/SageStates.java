package mmr.procedures.graph;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.GraphSage;
import mmr.model.vector.Vectors;

/**
 * Each node's first-layer GraphSAGE state, stored next to its embedding ({@code sageState}, stamped
 * with the model version that computed it in {@code sageStateModel}), and for a multi-label model
 * the projection of its features ({@code sageInput}, same stamp). A search embeds its transient
 * query node from the states of the nodes it attaches to instead of walking their sampled
 * neighbourhoods — a handful of reads instead of hundreds, and no reads of hub tags' thousands of
 * edges. Like an embedding, a state is as of the call that wrote it ({@code mmr.train} for every
 * node, {@code mmr.embed} for the nodes given); a node without a state of the current model is
 * computed from the graph.
 */
public final class SageStates {
    public static final String PROPERTY = "sageState";
    /** A multi-label model's projection of the node's features: what its neighbours' first layer reads. */
    public static final String INPUT_PROPERTY = "sageInput";
    public static final String MODEL_PROPERTY = "sageStateModel";
    private static final int CHUNK = 4096;

    private SageStates() {}

    /** Computes and writes the states of {@code ids} in chunks ({@code mmr.train}: every node). */
    public static long writeAll(Transaction tx, LoadedModel model, long[] ids) {
        if (!hasStates(model)) {
            return 0;
        }
        int sample = model.sage().weights().layers().get(0).sampleSize();
        for (int from = 0; from < ids.length; from += CHUNK) {
            long[] chunk = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + CHUNK));
            Neo4jSageGraph graph = new Neo4jSageGraph(tx, model.randomSeed());   // one per chunk: bounded caches
            LinkedHashSet<Long> inputs = new LinkedHashSet<>();
            for (long id : chunk) {
                inputs.add(id);
                for (long u : graph.neighbours(id, sample)) {
                    inputs.add(u);
                }
            }
            graph.prefetchFeatures(inputs.stream().mapToLong(Long::longValue).toArray());
            write(tx, model, chunk, model.sage().batch(graph));
        }
        return ids.length;
    }

    /** Writes states (and projected inputs, when not null) the trainer computed for every node. */
    public static long write(Transaction tx, LoadedModel model, Map<Long, float[]> states, Map<Long, float[]> inputs) {
        for (var e : states.entrySet()) {
            var node = tx.getNodeById(e.getKey());
            node.setProperty(PROPERTY, Vectors.toBytes(e.getValue()));
            float[] x = inputs == null ? null : inputs.get(e.getKey());
            if (x != null) {
                node.setProperty(INPUT_PROPERTY, Vectors.toBytes(x));
            } else {
                node.removeProperty(INPUT_PROPERTY);
            }
            node.setProperty(MODEL_PROPERTY, model.key());
        }
        return states.size();
    }

    /**
     * Writes the states of {@code ids} as {@code batch} computes them — for {@code mmr.embed}, the batch
     * that has just embedded those nodes and still holds their states.
     */
    public static void write(Transaction tx, LoadedModel model, long[] ids, GraphSage.Batch batch) {
        if (!hasStates(model)) {
            return;
        }
        float[][] states = batch.firstLayerStates(ids);
        float[][] inputs = batch.projectedInputs(ids);
        for (int j = 0; j < ids.length; j++) {
            var node = tx.getNodeById(ids[j]);
            node.setProperty(PROPERTY, Vectors.toBytes(states[j]));
            if (inputs != null) {
                node.setProperty(INPUT_PROPERTY, Vectors.toBytes(inputs[j]));
            } else {
                node.removeProperty(INPUT_PROPERTY);
            }
            node.setProperty(MODEL_PROPERTY, model.key());
        }
    }

    /** Only models with two layers or more have an inner state to store. */
    private static boolean hasStates(LoadedModel model) {
        return model.sage().weights().layers().size() >= 2;
    }

    /** Stored first-layer states and projected inputs of some nodes, for one model. */
    public static final class Known implements GraphSage.KnownStates {
        private final Map<Long, double[]> states = new HashMap<>();
        private final Map<Long, double[]> inputs = new HashMap<>();

        @Override
        public double[] get(int layer, long node) {
            return layer == 1 ? states.get(node) : layer == 0 ? inputs.get(node) : null;
        }

        /** The nodes of {@code ids} without a stored projected input: those whose features must be read. */
        public long[] withoutInputs(long[] ids) {
            return Arrays.stream(ids).filter(id -> !inputs.containsKey(id)).toArray();
        }
    }

    /**
     * The stored states and projected inputs of {@code ids} computed by {@code model} (others, and
     * nodes deleted meanwhile, are left out).
     */
    public static Known read(Transaction tx, LoadedModel model, long[] ids) {
        Known known = new Known();
        String key = model.key();
        for (long id : ids) {
            Node n;
            try {
                n = tx.getNodeById(id);
            } catch (NotFoundException deleted) {
                continue;
            }
            if (!key.equals(n.getProperty(MODEL_PROPERTY, null))) {
                continue;
            }
            double[] s = doubles(n.getProperty(PROPERTY, null));
            if (s != null) {
                known.states.put(id, s);
            }
            double[] x = doubles(n.getProperty(INPUT_PROPERTY, null));
            if (x != null) {
                known.inputs.put(id, x);
            }
        }
        return known;
    }

    /**
     * A stored state or input as floats: float32 bytes (written since they are read on every image query —
     * Neo4j reads a byte[] property in one copy and a float[] element by element, 6× slower measured),
     * or a float[] a store trained before wrote.
     */
    public static float[] floats(Object value) {
        return value instanceof byte[] bytes ? Vectors.fromBytes(bytes) : Vectors.toFloats(value);
    }

    private static double[] doubles(Object value) {
        float[] f = floats(value);
        if (f == null) {
            return null;
        }
        double[] d = new double[f.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
