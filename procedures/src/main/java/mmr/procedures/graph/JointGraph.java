package mmr.procedures.graph;

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
 * of them nearest its own vector, found through the vector index on {@code vectors} (the index is
 * asked for {@code 10 × tagFanout} images and those carrying the tag kept): paper 004 joins a text
 * sample to its nearest images, and a tag on half the catalog would otherwise cost a read of half the
 * catalog per step. Below that degree every TAGGED edge is walked.
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

    /**
     * @param index the vector index on the images' {@code vectors}, for tags above {@code tagFanout}
     *              images (null: every TAGGED edge is walked)
     */
    public JointGraph(Transaction tx, String vectors, boolean imagesOnly, int tagFanout, String index) {
        this.tx = tx;
        this.vectors = vectors;
        this.imagesOnly = imagesOnly;
        this.tagFanout = tagFanout;
        this.index = index;
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
            if (index != null && node.getDegree(Schema.TAGGED_TYPE, Direction.INCOMING) > tagFanout) {
                nearestCarriers(node, from, sink);
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

    /** The tagFanout images carrying {@code tag} nearest its vector, among the index's 10 × tagFanout nearest. */
    private void nearestCarriers(Node tag, float[] from, Geodesic.EdgeSink sink) {
        List<VectorIndexes.Nearest> nearest = VectorIndexes.nearest(tx, index, 10 * tagFanout, from);
        int kept = 0;
        for (int i = 0; i < nearest.size() && kept < tagFanout; i++) {
            Node image = nearest.get(i).node();
            for (Relationship t : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
                if (t.getEndNodeId() == tag.getId()) {
                    isTag.putIfAbsent(image.getId(), false);
                    sink.edge(image.getId(), Geodesic.weight(nearest.get(i).cosine()));
                    kept++;
                    break;
                }
            }
        }
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
