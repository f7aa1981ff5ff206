package mmr.model.sage;

import java.util.Arrays;

/**
 * A graph held in arrays, presented to the forward pass exactly as the stored graph is: each node's
 * neighbours as node ids in ascending order (an edge once per endpoint, a pair linked both ways
 * twice) and the same seeded sample per node ({@link NeighbourSample}), so a pass over it gives the
 * embeddings a pass over the database gives. Read-only: one instance serves several threads.
 */
public final class ArraySageGraph implements SageGraph {
    private final long[] ids;
    private final int[][] adjacency;
    private final float[][] features;
    private final boolean[] tag;
    private final long seed;

    /**
     * @param ids       node ids, ascending
     * @param adjacency per node, the positions (in {@code ids}) of its neighbours, in any order
     * @param features  per node, its input features
     * @param tag       per node, whether it is a Tag (else an Image)
     * @param seed      the model's sampling seed
     */
    public ArraySageGraph(long[] ids, int[][] adjacency, float[][] features, boolean[] tag, long seed) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] <= ids[i - 1]) {
                throw new IllegalArgumentException("node ids must ascend: " + ids[i - 1] + " then " + ids[i]);
            }
        }
        this.ids = ids;
        this.adjacency = new int[adjacency.length][];
        for (int i = 0; i < adjacency.length; i++) {
            this.adjacency[i] = adjacency[i].clone();
            Arrays.sort(this.adjacency[i]);        // positions ascend as ids do
        }
        this.features = features;
        this.tag = tag;
        this.seed = seed;
    }

    private int position(long node) {
        int i = Arrays.binarySearch(ids, node);
        if (i < 0) {
            throw new IllegalArgumentException("node " + node + " is not in the graph");
        }
        return i;
    }

    @Override
    public long[] neighbours(long node, int sampleSize) {
        int[] a = adjacency[position(node)];
        long[] all = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            all[i] = ids[a[i]];
        }
        return NeighbourSample.draw(all, sampleSize, seed * 0x9E3779B97F4A7C15L + node);
    }

    @Override
    public float[] features(long node) {
        return features[position(node)];
    }

    @Override
    public String label(long node) {
        return tag[position(node)] ? "Tag" : "Image";
    }
}
