package mmr.model.sage;

/**
 * What the forward pass reads of a graph: input features, labels and a deterministic neighbour
 * sample per node. Implemented over Neo4j by the plugin, and over a transient query node plus
 * the stored graph at search time.
 */
public interface SageGraph {

    /** At most {@code sampleSize} neighbours of {@code node}, the same ones on every call. */
    long[] neighbours(long node, int sampleSize);

    /** The node's input features (its {@code features} property). */
    float[] features(long node);

    /** The node's label (Image or Tag); used in multi-label mode only. */
    String label(long node);
}
