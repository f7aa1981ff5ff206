package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

import mmr.model.rank.Geodesic;
import mmr.model.vector.Vectors;

/**
 * The joint image–text graph as {@link Geodesic} walks it, read-only: Image and Tag nodes, SIMILAR
 * edges (either direction) and TAGGED edges (unless images only), each weighted by 1 − cosine of
 * its two ends' {@code vectors} property ({@code embedding} or {@code features}). A node without
 * that property is not walked through. Vectors are read once per node and call.
 *
 * <p>A Tag node carried by more than {@code tagFanout} images is walked to the {@code tagFanout}
 * of them nearest its own vector: paper 004 joins a text sample to its nearest images, and a tag on
 * half the catalog would otherwise cost a read of half the catalog per step. They come from the tag's
 * stored {@link TagCarriers} list when it is current; else, up to {@link #DIRECT_READ_FACTOR} ×
 * {@code tagFanout} carriers, exactly, by reading every carrier's vector; above that through the vector
 * index on {@code vectors} (asked for {@code 10 × tagFanout} images, those carrying the tag kept).
 * Below {@code tagFanout} carriers every TAGGED edge is walked.
 */
public final class JointGraph implements Geodesic.Graph {
    private static final float[] NONE = new float[0];

    private final Transaction tx;
    private final String vectors;
    private final boolean imagesOnly;
    private final Map<Long, float[]> unit = new HashMap<>();
    private final Map<Long, Boolean> isTag = new HashMap<>();
    private final int tagFanout;
    private final String index;
    private final String modelKey;

    /**
     * @param index    the vector index on the images' {@code vectors}, for tags above {@code tagFanout}
     *                 images (null: every TAGGED edge is walked)
     * @param modelKey the current model version, whose stored {@link TagCarriers} lists a walk over
     *                 embeddings starts from (null: none are read)
     */
    public JointGraph(Transaction tx, String vectors, boolean imagesOnly, int tagFanout, String index, String modelKey) {
        this.tx = tx;
        this.vectors = vectors;
        this.imagesOnly = imagesOnly;
        this.tagFanout = tagFanout;
        this.index = index;
        this.modelKey = Schema.EMBEDDING.equals(vectors) ? modelKey : null;
    }

    /** The unit vector of a node, or null when it has none. */
    public float[] unit(Node node) {
        float[] v = unit.computeIfAbsent(node.getId(), id -> {
            float[] raw = Vectors.toFloats(node.getProperty(vectors, null));
            return raw == null ? NONE : Vectors.normalised(raw);
        });
        return v == NONE ? null : v;
    }

    /** Whether a node is a Tag (else an Image, as far as this graph goes). */
    public boolean isTag(Node node) {
        return isTag.computeIfAbsent(node.getId(), id -> node.hasLabel(Schema.TAG_LABEL));
    }

    public boolean isTag(long id) {
        return isTag(tx.getNodeById(id));
    }

    /** 1 − cosine of two unit vectors (0 for a pair of different lengths never arises: one catalog, one space). */
    public static double cost(float[] a, float[] b) {
        return Geodesic.weight(Vectors.dot(a, b));
    }

    @Override
    public void neighbours(long id, Geodesic.EdgeSink sink) {
        Node node = tx.getNodeById(id);
        float[] from = unit(node);
        if (from == null) {
            return;
        }
        if (isTag(node)) {
            if (imagesOnly) {
                return;
            }
            int degree = index == null ? 0 : node.getDegree(Schema.TAGGED_TYPE, Direction.INCOMING);
            if (degree > tagFanout) {
                nearestCarriers(node, degree, from, sink);
                return;
            }
            for (Relationship r : node.getRelationships(Direction.INCOMING, Schema.TAGGED_TYPE)) {
                visit(r.getStartNode(), false, from, sink);
            }
            return;
        }
        for (Relationship r : node.getRelationships(Direction.BOTH, Schema.SIMILAR_TYPE)) {
            visit(r.getOtherNode(node), false, from, sink);
        }
        if (!imagesOnly) {
            for (Relationship r : node.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
                visit(r.getEndNode(), true, from, sink);
            }
        }
    }

    /**
     * A tag with at most this many times {@code tagFanout} carriers has them read directly (exact); above
     * it the index is asked. Reading a carrier's embedding costs about as much as a few dozen of the
     * index's distance computations, so the crossover depends on the catalog's size; 4 was faster than
     * 0, 8, 10 and 20 on both the emoji graph and a million images (docs/benchmarks.md).
     */
    static final int DIRECT_READ_FACTOR = 4;

    /** Images a tag is walked to unless a search says otherwise ({@code tagFanout}). */
    public static final int DEFAULT_TAG_FANOUT = 50;

    /** The tagFanout images carrying {@code tag} nearest its vector. */
    private void nearestCarriers(Node tag, int degree, float[] from, Geodesic.EdgeSink sink) {
        // The stored list first: it costs no carrier's vector (a carrier the walk never settles is then
        // never read); without a current one, every carrier read (exact) or, for a large tag, the index.
        List<TagCarriers.Carrier> kept = TagCarriers.read(tx, tag, modelKey, tagFanout);
        if (kept == null && degree <= DIRECT_READ_FACTOR * tagFanout) {
            kept = TagCarriers.nearest(tag, from, id -> unit(tx.getNodeById(id)), tagFanout);
        }
        if (kept == null) {
            // Among the index's 10 × tagFanout nearest images, those carrying the tag, in the index's order.
            kept = new ArrayList<>();
            List<VectorIndexes.Nearest> nearest = VectorIndexes.nearest(tx, index, 10 * tagFanout, from);
            for (int i = 0; i < nearest.size() && kept.size() < tagFanout; i++) {
                if (carries(nearest.get(i).node(), tag)) {
                    kept.add(new TagCarriers.Carrier(nearest.get(i).node().getId(), nearest.get(i).cosine()));
                }
            }
        }
        for (TagCarriers.Carrier c : kept) {
            isTag.putIfAbsent(c.node(), false);
            sink.edge(c.node(), Geodesic.weight(c.cosine()));
        }
    }

    private static boolean carries(Node image, Node tag) {
        for (Relationship t : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
            if (t.getEndNodeId() == tag.getId()) {
                return true;
            }
        }
        return false;
    }

    /** An edge's other end; its kind is known from the edge (SIMILAR joins images, TAGGED an image to a tag). */
    private void visit(Node other, boolean tag, float[] from, Geodesic.EdgeSink sink) {
        isTag.putIfAbsent(other.getId(), tag);
        float[] to = unit(other);
        if (to != null && to.length == from.length) {
            sink.edge(other.getId(), cost(from, to));
        }
    }
}
