package mmr.model.sage;

/**
 * The stored graph plus one transient query node that exists only in memory. The query node's
 * edges point outwards: it reads its attached images and tags, while stored nodes keep their
 * stored neighbourhoods (as if the query were one more neighbour they did not sample) — which is
 * what lets a search leave the database untouched.
 */
public final class TransientGraph implements SageGraph {
    public static final long QUERY = -1;

    private final SageGraph stored;
    private final long[] attached;
    private final float[] features;
    private final long seed;

    public TransientGraph(SageGraph stored, long[] attached, float[] features, long seed) {
        this.stored = stored;
        this.attached = attached;
        this.features = features;
        this.seed = seed;
    }

    @Override
    public long[] neighbours(long node, int sampleSize) {
        if (node != QUERY) {
            return stored.neighbours(node, sampleSize);
        }
        return NeighbourSample.draw(attached, sampleSize, seed ^ 0x5DEECE66DL);
    }

    @Override
    public float[] features(long node) {
        return node == QUERY ? features : stored.features(node);
    }

    @Override
    public String label(long node) {
        return node == QUERY ? "Image" : stored.label(node);
    }
}
