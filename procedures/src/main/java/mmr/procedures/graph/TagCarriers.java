package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongFunction;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

import mmr.model.vector.Vectors;

/**
 * A tag's carriers nearest its embedding, for a tag with more than {@link #MIN_DEGREE}: stored on the
 * Tag node when embeddings are written ({@code mmr.train} for every tag, {@code mmr.embed} for the tags
 * given, {@code mmr.tag}/{@code mmr.untag} for the tags they change, up to {@link #REFRESHED_MAX_DEGREE}
 * carriers): {@code nearestCarriers} (node ids, nearest first), {@code nearestCarrierCosines} (float32
 * bytes) and the model version that computed them ({@code nearestCarriersModel}). The keyword walk
 * ({@link JointGraph}) starts from them instead of reading every carrier's embedding or asking the
 * vector index for {@code 10 × tagFanout} images — at a million images that lookup cost tens of
 * milliseconds per tag, and a vector index cannot be asked for carriers of one tag only. Like an
 * embedding, a list is as of the call that wrote it: an image tagged since is not in a larger tag's
 * list until the tag is embedded again, and an entry whose image was deleted or untagged since is
 * skipped when read.
 */
public final class TagCarriers {
    public static final String IDS = "nearestCarriers";
    public static final String COSINES = "nearestCarrierCosines";
    public static final String MODEL = "nearestCarriersModel";
    /** Carriers stored per tag: twice the walk's default fanout. */
    public static final int STORED = 2 * JointGraph.DEFAULT_TAG_FANOUT;
    /**
     * Tags with more carriers than this get a list: the default walk takes this many of them, and without
     * a list it reads every carrier (or, for a large tag, asks the index) to find which.
     */
    public static final int MIN_DEGREE = JointGraph.DEFAULT_TAG_FANOUT;
    /**
     * A curation rewrites the lists of the tags it changes up to this many carriers — the walk read such a
     * tag's carriers itself before lists covered it, so its list stays as fresh as that read was; a larger
     * tag's list (reading all its carriers could take seconds) stays as of the last training or mmr.embed.
     */
    public static final int REFRESHED_MAX_DEGREE = JointGraph.DIRECT_READ_FACTOR * JointGraph.DEFAULT_TAG_FANOUT;

    private TagCarriers() {}

    /** One stored entry: an image and its cosine to the tag. */
    public record Carrier(long node, double cosine) {}

    /**
     * Writes (or, for a tag at or below {@code minDegree} carriers, removes) the lists of {@code tags},
     * from the embeddings {@code embedding} gives (null for a node without one); returns the lists written.
     */
    public static long write(Transaction tx, String modelKey, long[] tags, LongFunction<float[]> embedding, int minDegree,
                             int stored) {
        long written = 0;
        for (long id : tags) {
            Node tag = tx.getNodeById(id);
            float[] e = embedding.apply(id);
            if (e == null || tag.getDegree(Schema.TAGGED_TYPE, Direction.INCOMING) <= minDegree) {
                if (tag.hasProperty(IDS)) {   // most tags never had a list: no write, no lock
                    tag.removeProperty(IDS);
                    tag.removeProperty(COSINES);
                    tag.removeProperty(MODEL);
                }
                continue;
            }
            List<Carrier> kept = nearest(tag, Vectors.normalised(e), carrier -> {
                float[] v = embedding.apply(carrier);
                return v == null ? null : Vectors.normalised(v);
            }, stored);
            long[] ids = new long[kept.size()];
            float[] cosines = new float[kept.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = kept.get(i).node();
                cosines[i] = (float) kept.get(i).cosine();
            }
            tag.setProperty(IDS, ids);
            tag.setProperty(COSINES, Vectors.toBytes(cosines));
            tag.setProperty(MODEL, modelKey);
            written++;
        }
        return written;
    }

    /**
     * After a curation changed the carriers of {@code nodes}' tags (other nodes are passed over): the
     * lists of those with at most {@link #REFRESHED_MAX_DEGREE} carriers written again from the stored
     * embeddings — call it after the embeddings the change reaches are written.
     */
    public static void refresh(Transaction tx, String modelKey, Collection<Long> nodes) {
        refresh(tx, modelKey, nodes, MIN_DEGREE, REFRESHED_MAX_DEGREE);
    }

    static void refresh(Transaction tx, String modelKey, Collection<Long> nodes, int minDegree, int maxDegree) {
        long[] tags = nodes.stream().map(tx::getNodeById)
                .filter(n -> n.hasLabel(Schema.TAG_LABEL) && n.getDegree(Schema.TAGGED_TYPE, Direction.INCOMING) <= maxDegree)
                .mapToLong(Node::getId).toArray();
        write(tx, modelKey, tags, stored(tx), minDegree, STORED);
    }

    /**
     * The {@code k} carriers of {@code tag} nearest the unit vector {@code from} (by the dot product with
     * {@code unitOf} of each; a carrier without one is passed over), nearest first, ties by node id.
     */
    static List<Carrier> nearest(Node tag, float[] from, LongFunction<float[]> unitOf, int k) {
        Comparator<Carrier> nearestFirst = Comparator.comparingDouble((Carrier c) -> -c.cosine()).thenComparingLong(Carrier::node);
        PriorityQueue<Carrier> best = new PriorityQueue<>(nearestFirst.reversed());   // the worst kept on top
        for (Relationship r : tag.getRelationships(Direction.INCOMING, Schema.TAGGED_TYPE)) {
            float[] v = unitOf.apply(r.getStartNodeId());
            if (v != null && v.length == from.length) {
                best.add(new Carrier(r.getStartNodeId(), Vectors.dot(from, v)));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        List<Carrier> kept = new ArrayList<>(best);
        kept.sort(nearestFirst);
        return kept;
    }

    /** The stored embedding of a node, for {@link #write} after the embeddings are in the store. */
    public static LongFunction<float[]> stored(Transaction tx) {
        return id -> {
            try {
                return Vectors.toFloats(tx.getNodeById(id).getProperty(Schema.EMBEDDING, null));
            } catch (NotFoundException deleted) {
                return null;
            }
        };
    }

    /**
     * The first {@code wanted} entries of the tag's list that still carry it, nearest first — or null
     * when the list is missing, from another model version, or has too few of them left.
     */
    static List<Carrier> read(Transaction tx, Node tag, String modelKey, int wanted) {
        if (modelKey == null || !modelKey.equals(tag.getProperty(MODEL, null))
                || !(tag.getProperty(IDS, null) instanceof long[] ids) || !(tag.getProperty(COSINES, null) instanceof byte[] bytes)) {
            return null;
        }
        float[] cosines = Vectors.fromBytes(bytes);
        List<Carrier> out = new ArrayList<>(wanted);
        for (int i = 0; i < ids.length && i < cosines.length && out.size() < wanted; i++) {
            if (carries(tx, ids[i], tag.getId())) {
                out.add(new Carrier(ids[i], cosines[i]));
            }
        }
        return out.size() < wanted ? null : out;
    }

    private static boolean carries(Transaction tx, long image, long tag) {
        try {
            for (Relationship t : tx.getNodeById(image).getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
                if (t.getEndNodeId() == tag) {
                    return true;
                }
            }
        } catch (NotFoundException deleted) {
            // skipped
        }
        return false;
    }
}
