package mmr.procedures.graph;

import java.util.Arrays;

import org.neo4j.graphdb.Transaction;

import mmr.model.sage.GraphSage;
import mmr.model.sage.NeighbourSample;
import mmr.model.sage.SageGraph;
import mmr.model.vector.Vectors;

/**
 * A tag's embedding as the catalog would give it if one of its images were not in it: the tag's
 * centroid features over its other carriers, and its neighbourhood without the image. A catalog
 * image's own tags are embedded from the image itself — its features are in their centroids, and
 * their GraphSAGE aggregation reads it — so the model's cosine between the image and its tags
 * flatters the model; scored this way, the image is as new to its tags as a user's image is.
 * The carriers' stored first-layer states are kept: what the image adds to them is second order.
 */
public final class TagWithoutImage {
    /** Carriers beyond which the stored centroid is kept: one image moves it by less than this share. */
    static final int CENTROID_CARRIERS = 64;
    /**
     * Neighbours beyond which a tag is not recomputed at all: one image moves its centroid by less than
     * 0.1 % and is in its 25-neighbour sample with a chance below 2.5 %, while listing them all for every
     * image left out would cost as much as the tag is large.
     */
    public static final int EXACT_NEIGHBOURS = 1_000;

    private TagWithoutImage() {}

    /**
     * {@code tag}'s unit embedding without {@code image}; null when no other image carries it. Callers keep
     * the stored embedding of a tag with more than {@link #EXACT_NEIGHBOURS} neighbours.
     */
    public static float[] embed(Transaction tx, LoadedModel model, Neo4jSageGraph stored, long tag, long image) {
        long[] all = stored.allNeighbours(tag);
        long[] others = Arrays.stream(all).filter(n -> n != image).toArray();
        if (others.length == 0) {
            return null;
        }
        float[] features = stored.features(tag);
        if (others.length < all.length && others.length <= CENTROID_CARRIERS) {
            stored.prefetchFeatures(others);
            float[] sum = new float[features.length];
            for (long c : others) {
                float[] f = stored.features(c);
                if (f != null && f.length == sum.length) {
                    for (int d = 0; d < sum.length; d++) {
                        sum[d] += f[d];
                    }
                }
            }
            features = Vectors.normaliseInPlace(sum);
        }
        float[] centroid = features;
        long seed = model.randomSeed();
        SageGraph without = new SageGraph() {
            @Override
            public long[] neighbours(long node, int sampleSize) {
                return node == tag ? NeighbourSample.draw(others, sampleSize, Neo4jSageGraph.sampleSeed(seed, tag))
                        : stored.neighbours(node, sampleSize);
            }

            @Override
            public float[] features(long node) {
                return node == tag ? centroid : stored.features(node);
            }

            @Override
            public String label(long node) {
                return stored.label(node);
            }
        };
        SageStates.Known known = SageStates.read(tx, model, others);
        GraphSage.KnownStates withoutTag = (layer, node) -> node == tag || node == image ? null : known.get(layer, node);
        return model.sage().batch(without, withoutTag).embed(tag);
    }
}
