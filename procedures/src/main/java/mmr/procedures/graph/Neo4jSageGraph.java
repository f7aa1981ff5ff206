package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.NeighbourSample;
import mmr.model.sage.SageGraph;
import mmr.model.vector.Vectors;

/**
 * The stored graph as GraphSAGE sees it: SIMILAR and TAGGED edges in both directions (a pair linked
 * both ways counts twice, as in GDS's undirected projection). When a node has more neighbours than
 * a layer samples, the sample is drawn with a generator seeded by the model seed and the node id,
 * so the same node always gets the same neighbours. Features and neighbour lists are cached for
 * the life of one instance (one procedure call): neighbourhoods overlap heavily. Given a
 * {@link DenseSamples.View}, the samples of dense nodes are also kept across calls.
 */
public final class Neo4jSageGraph implements SageGraph {
    /**
     * The edges the forward pass aggregates over: the catalog's SIMILAR and TAGGED, and the feedback
     * edges mmr.feedback writes (LIKED_WITH between liked images, LIKED_FOR from a liked image to the
     * query's tags). Training learns the weights from SIMILAR and TAGGED only.
     */
    public static final RelationshipType[] TYPES = {Schema.SIMILAR_TYPE, Schema.TAGGED_TYPE,
            Schema.LIKED_WITH_TYPE, Schema.LIKED_FOR_TYPE};

    private final Transaction tx;
    private final long seed;
    private final Map<Long, float[]> features = new HashMap<>();
    private final Map<Long, long[]> adjacency = new HashMap<>();
    private final DenseSamples.View dense;
    /** The shared samples' generation when each list was read: a sample is kept only if no commit changed edges since. */
    private final Map<Long, Long> readAt = new HashMap<>();

    public Neo4jSageGraph(Transaction tx, long seed) {
        this(tx, seed, null);
    }

    /** With {@code dense} (null for none): dense nodes' samples kept across calls. */
    public Neo4jSageGraph(Transaction tx, long seed, DenseSamples.View dense) {
        this.tx = tx;
        this.seed = seed;
        this.dense = dense;
    }

    /** The seed of {@code node}'s neighbour sample under a model of seed {@code seed}. */
    public static long sampleSeed(long seed, long node) {
        return seed * 0x9E3779B97F4A7C15L + node;
    }

    /**
     * Every neighbour of {@code node}, sorted (the list its samples are drawn from). Kept like the lists
     * {@link #neighbours} reads, but not beside a dense view, whose lists are kept with the generation read.
     */
    public long[] allNeighbours(long node) {
        long[] all = adjacency.get(node);
        return all != null ? all : dense == null ? adjacency.computeIfAbsent(node, this::readNeighbours) : readNeighbours(node);
    }

    @Override
    public long[] neighbours(long node, int sampleSize) {
        long sampleSeed = sampleSeed(seed, node);
        long[] all = adjacency.get(node);
        if (dense == null || (all != null && all.length < DenseSamples.MIN_DEGREE)) {
            if (all == null) {
                all = readNeighbours(node);
                adjacency.put(node, all);
            }
            return NeighbourSample.draw(all, sampleSize, sampleSeed);
        }
        long[] kept = dense.get(node, sampleSize, sampleSeed);
        if (kept != null) {
            return kept;
        }
        if (all == null) {
            readAt.put(node, dense.generation());
            all = readNeighbours(node);
            adjacency.put(node, all);
        }
        long[] sample = NeighbourSample.draw(all, sampleSize, sampleSeed);
        if (sample.length < all.length) {
            dense.put(node, all.length, sampleSize, sampleSeed, sample, readAt.get(node));
        }
        return sample;
    }

    /** All neighbours, sorted so that sampling does not depend on relationship iteration order. */
    private long[] readNeighbours(long node) {
        List<Long> all = new ArrayList<>();
        for (Relationship r : tx.getNodeById(node).getRelationships(Direction.BOTH, TYPES)) {
            all.add(r.getOtherNodeId(node));
        }
        long[] ids = new long[all.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = all.get(i);
        }
        Arrays.sort(ids);
        return ids;
    }

    /**
     * Reads the features of {@code ids} in one query, into this graph's cache. Faster than one
     * {@code getProperty} each once the transaction's shared property cursor has read a larger array
     * (Neo4j then decodes every array over that cursor's whole buffer; a query has its own cursors).
     */
    public void prefetchFeatures(long[] ids) {
        List<Long> missing = new ArrayList<>();
        for (long id : ids) {
            if (!features.containsKey(id)) {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try (Result r = tx.execute("UNWIND $ids AS id MATCH (n) WHERE id(n) = id RETURN id, n.features AS f",
                Map.of("ids", missing))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                float[] f = Vectors.toFloats(row.get("f"));
                if (f != null) {
                    features.put((Long) row.get("id"), f);
                }
            }
        }
    }

    @Override
    public float[] features(long node) {
        return features.computeIfAbsent(node, id -> Vectors.toFloats(tx.getNodeById(id).getProperty("features", null)));
    }

    @Override
    public String label(long node) {
        return tx.getNodeById(node).hasLabel(Schema.TAG_LABEL) ? "Tag" : "Image";
    }

    public static boolean isCatalogNode(Node n) {
        return n.hasLabel(Schema.TAG_LABEL) || n.hasLabel(Schema.IMAGE_LABEL);
    }
}
