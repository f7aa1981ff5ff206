package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.GraphSage;
import mmr.model.vector.Vectors;

/**
 * Each node's first-layer GraphSAGE state, stored next to its embedding ({@code sageState}, stamped
 * with the model version that computed it in {@code sageStateModel}). A search embeds its transient
 * query node from the states of the nodes it attaches to instead of walking their sampled
 * neighbourhoods — a handful of reads instead of hundreds, and no reads of hub tags' thousands of
 * edges. Like an embedding, a state is as of the call that wrote it ({@code mmr.train} for every
 * node, {@code mmr.embed} for the nodes given); a node without a state of the current model is
 * computed from the graph.
 */
public final class SageStates {
    public static final String PROPERTY = "sageState";
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

    /**
     * Writes the states of {@code ids} as {@code batch} computes them — for {@code mmr.embed}, the batch
     * that has just embedded those nodes and still holds their states.
     */
    public static void write(Transaction tx, LoadedModel model, long[] ids, GraphSage.Batch batch) {
        if (!hasStates(model)) {
            return;
        }
        float[][] states = batch.firstLayerStates(ids);
        for (int j = 0; j < ids.length; j++) {
            var node = tx.getNodeById(ids[j]);
            node.setProperty(PROPERTY, states[j]);
            node.setProperty(MODEL_PROPERTY, model.key());
        }
    }

    /** Only models with two layers or more have an inner state to store. */
    private static boolean hasStates(LoadedModel model) {
        return model.sage().weights().layers().size() >= 2;
    }

    /**
     * The stored states of {@code ids} computed by {@code model} (others are left out), read in one
     * query — its own cursors, see {@link LoadedModel}.
     */
    public static GraphSage.KnownStates read(Transaction tx, LoadedModel model, long[] ids) {
        Map<Long, double[]> states = new HashMap<>();
        List<Long> list = new ArrayList<>(ids.length);
        for (long id : ids) {
            list.add(id);
        }
        try (Result r = tx.execute("UNWIND $ids AS id MATCH (n) WHERE id(n) = id AND n." + MODEL_PROPERTY + " = $model "
                + "RETURN id, n." + PROPERTY + " AS s", Map.of("ids", list, "model", model.key()))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                float[] f = Vectors.toFloats(row.get("s"));
                if (f != null) {
                    double[] d = new double[f.length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = f[i];
                    }
                    states.put((Long) row.get("id"), d);
                }
            }
        }
        return (layer, node) -> layer == 1 ? states.get(node) : null;
    }
}
