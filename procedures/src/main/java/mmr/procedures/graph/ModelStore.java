package mmr.procedures.graph;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.SageWeights;
import mmr.model.sage.SageWeightsCodec;

/**
 * Trained models as {@code (:MmrModel)} nodes: one node per name and version, the weights as flat
 * properties (see {@link SageWeightsCodec}), exactly one version per name marked {@code current}.
 */
public final class ModelStore {

    /**
     * The stored-model format this plugin writes and reads (weights as flat properties, see
     * {@link SageWeightsCodec}). A model without the property was stored by a release before it was
     * recorded, in this same format.
     */
    public static final long FORMAT_VERSION = 1;
    static final String FORMAT_PROPERTY = "formatVersion";

    private final Transaction tx;

    public ModelStore(Transaction tx) {
        this.tx = tx;
    }

    /** All versions of every model, newest first per name. */
    public List<Node> all() {
        List<Node> out = new ArrayList<>();
        try (ResourceIterator<Node> it = tx.findNodes(Schema.MODEL_LABEL)) {
            it.forEachRemaining(out::add);
        }
        out.sort((a, b) -> {
            int byName = String.valueOf(a.getProperty("name", "")).compareTo(String.valueOf(b.getProperty("name", "")));
            return byName != 0 ? byName : Long.compare((Long) b.getProperty("version", 0L), (Long) a.getProperty("version", 0L));
        });
        return out;
    }

    /**
     * The version last found current per database and name: every search asks for the current model, and
     * with many versions stored a scan reads each one. Exactly one version per name is marked current, so
     * a remembered node still marked is the current one; a newer version published since is noticed.
     */
    private static final LastFound CURRENT = new LastFound();

    /** The current version of {@code name}, or null. */
    public Node current(String name) {
        return CURRENT.get(tx, name, n -> n.hasLabel(Schema.MODEL_LABEL) && isCurrent(n, name), () -> {
            Node best = null;   // the newest current version, as in all()
            long bestVersion = Long.MIN_VALUE;
            try (ResourceIterator<Node> it = tx.findNodes(Schema.MODEL_LABEL)) {
                while (it.hasNext()) {
                    Node n = it.next();
                    if (isCurrent(n, name)) {
                        long version = (Long) n.getProperty("version", 0L);
                        if (best == null || version > bestVersion) {
                            best = n;
                            bestVersion = version;
                        }
                    }
                }
            }
            return best;
        });
    }

    private static boolean isCurrent(Node n, String name) {
        return name.equals(n.getProperty("name", null)) && Boolean.TRUE.equals(n.getProperty("current", false));
    }

    /** The format a model was stored in (1 when unrecorded: the releases before the property wrote format 1). */
    public static long formatVersion(Node model) {
        return ((Number) model.getProperty(FORMAT_PROPERTY, 1L)).longValue();
    }

    /**
     * Fails with a message naming the model, the format found and the way out when this plugin cannot
     * read it (a model stored by a newer mmr): never a wrong answer from weights read in the wrong layout.
     */
    public static void requireReadable(String procedure, Node model) {
        long found = formatVersion(model);
        if (found != FORMAT_VERSION) {
            throw new IllegalArgumentException(procedure + ": model '" + model.getProperty(Schema.NAME, "?") + "' version "
                    + model.getProperty("version", "?") + " is stored in format " + found + ", which this mmr plugin (format "
                    + FORMAT_VERSION + ") cannot read; install the mmr release that stored it, or retrain with CALL mmr.train() "
                    + "to store a new version in format " + FORMAT_VERSION);
        }
    }

    public static SageWeights weights(Node model) {
        return SageWeightsCodec.fromProperties(model.getAllProperties());
    }

    /**
     * Stores a new version of {@code name} and makes it the current one, in the caller's
     * transaction: readers switch from the old version to the new one at commit.
     */
    public Node publish(String name, SageWeights weights, Map<String, Object> metadata) {
        long version = 0;
        for (Node n : all()) {
            if (name.equals(n.getProperty("name", null))) {
                version = Math.max(version, (Long) n.getProperty("version", 0L));
                n.setProperty("current", false);
            }
        }
        Node node = tx.createNode(Schema.MODEL_LABEL);
        node.setProperty("name", name);
        node.setProperty("version", version + 1);
        node.setProperty("current", true);
        node.setProperty("createdAt", ZonedDateTime.now());
        node.setProperty("embeddingDimension", (long) weights.embeddingDimension());
        node.setProperty(FORMAT_PROPERTY, FORMAT_VERSION);
        metadata.forEach(node::setProperty);
        SageWeightsCodec.toProperties(weights).forEach(node::setProperty);
        return node;
    }
}
