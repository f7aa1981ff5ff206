package mmr.procedures.search;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import mmr.model.sage.GraphSage;

/**
 * First-layer GraphSAGE states of stored nodes, kept between searches. A stored node's state
 * depends only on the model and the node's stored neighbourhood (the transient query node is not
 * one of its neighbours), so it can be reused until the graph changes: each cache is stamped with
 * the database's last committed transaction id and replaced as soon as that moves. Bounded: past
 * {@link #LIMIT} states a cache starts over. States are kept as floats (≈ 0.6 KB per node at 128-d).
 */
final class SharedStates implements GraphSage.StateCache {
    static final int LIMIT = 150_000;
    private static final Map<String, SharedStates> BY_MODEL = new ConcurrentHashMap<>();

    private final long graphVersion;
    private final Map<Long, float[]> states = new ConcurrentHashMap<>();

    private SharedStates(long graphVersion) {
        this.graphVersion = graphVersion;
    }

    /** The cache for one model version on one database as of {@code graphVersion}. */
    static SharedStates of(String modelKey, long graphVersion) {
        if (BY_MODEL.size() > 8) {
            BY_MODEL.clear();
        }
        return BY_MODEL.compute(modelKey, (k, old) -> old != null && old.graphVersion == graphVersion ? old
                : new SharedStates(graphVersion));
    }

    @Override
    public double[] get(int layer, long node) {
        float[] f = layer == 1 ? states.get(node) : null;
        if (f == null) {
            return null;
        }
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public void put(int layer, long node, double[] state) {
        if (layer != 1) {
            return;
        }
        if (states.size() >= LIMIT) {
            states.clear();
        }
        float[] f = new float[state.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) state[i];
        }
        states.put(node, f);
    }

    /** Heap held by all caches, estimated: per state its float array, boxed key and map entry. */
    static long estimatedBytes() {
        long bytes = 0;
        for (SharedStates s : BY_MODEL.values()) {
            for (float[] f : s.states.values()) {
                bytes += 16 + 4L * f.length + 16 + 48;
            }
        }
        return bytes;
    }

    static int size() {
        return BY_MODEL.values().stream().mapToInt(s -> s.states.size()).sum();
    }
}
