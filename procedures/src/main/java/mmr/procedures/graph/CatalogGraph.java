package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.text.Bounded;
import mmr.procedures.config.ConfigMap;

/**
 * The catalog as stored in Neo4j: Image and Tag nodes plus the one {@code :MmrCatalog} node that
 * records which encoder produced the features. Reads only; the importer writes.
 */
public final class CatalogGraph {
    public static final String CATALOG_LABEL = "MmrCatalog";
    public static final String CATALOG_NAME = "default";

    private final Transaction tx;

    public CatalogGraph(Transaction tx) {
        this.tx = tx;
    }

    /** The catalog record last found per database: every search reads it. */
    private static final LastFound CATALOG = new LastFound();

    /** The catalog record, or null before the first import. */
    public Node catalogNode() {
        Label label = Label.label(CATALOG_LABEL);
        return CATALOG.get(tx, CATALOG_NAME, n -> n.hasLabel(label) && CATALOG_NAME.equals(n.getProperty("name", null)),
                () -> tx.findNode(label, "name", CATALOG_NAME));
    }

    /**
     * A procedure's Image argument {@code key}: an Image node or an Image id. The messages name the
     * argument and what is accepted.
     */
    public Node image(String procedure, String key, Object raw) {
        if (raw instanceof Node n) {
            List<String> labels = labels(procedure, "'" + key + "' is a node that has been deleted", n);
            if (!labels.contains(Schema.IMAGE_LABEL.name())) {
                throw new IllegalArgumentException(procedure + ": '" + key + "' must be an Image node or id, got a node labelled "
                        + Bounded.list(labels));
            }
            return n;
        }
        if (raw instanceof String id) {
            Node n = tx.findNode(Schema.IMAGE_LABEL, "id", id);
            if (n == null) {
                throw new IllegalArgumentException(procedure + ": there is no Image with id " + Bounded.quote(id));
            }
            return n;
        }
        throw new IllegalArgumentException(procedure + ": '" + key + "' must be an Image node or id, got " + ConfigMap.describe(raw));
    }

    /**
     * A procedure's argument {@code key} naming an Image or a Tag: a node with either label, an Image
     * id, or a map {@code {image: id}} or {@code {tag: name}}.
     */
    public Node imageOrTag(String procedure, String key, Object raw) {
        String accepted = "; accepted: an Image or Tag node, an Image id, {image: id} or {tag: name}";
        if (raw instanceof Node n) {
            List<String> labels = labels(procedure, "'" + key + "' is a node that has been deleted", n);
            if (!labels.contains(Schema.IMAGE_LABEL.name()) && !labels.contains(Schema.TAG_LABEL.name())) {
                throw new IllegalArgumentException(procedure + ": '" + key + "' is a node labelled " + Bounded.list(labels) + accepted);
            }
            return n;
        }
        if (raw instanceof String) {
            return image(procedure, key, raw);
        }
        if (raw instanceof Map<?, ?> m && m.size() == 1) {
            Object image = m.get("image");
            Object tag = m.get("tag");
            if (image instanceof String) {
                return image(procedure, key, image);
            }
            if (tag instanceof String name) {
                Node n = tx.findNode(Schema.TAG_LABEL, "name", name);
                if (n == null) {
                    throw new IllegalArgumentException(procedure + ": there is no Tag named " + Bounded.quote(name));
                }
                return n;
            }
        }
        throw new IllegalArgumentException(procedure + ": '" + key + "' got " + ConfigMap.describe(raw) + accepted);
    }

    /** A node as results show it: {label: 'Image', id} or {label: 'Tag', name}. */
    public static Map<String, Object> describe(Node n) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean tag = n.hasLabel(Schema.TAG_LABEL);
        m.put("label", tag ? "Tag" : "Image");
        m.put(tag ? "name" : "id", n.getProperty(tag ? "name" : "id", null));
        return m;
    }

    /** A procedure's list argument {@code key} of Image nodes or ids: the images, each once, in the given order. */
    public List<Node> images(String procedure, String key, List<?> raw) {
        List<Node> out = new ArrayList<>();
        for (Object o : raw) {
            Node n;
            if (o instanceof Node node) {
                List<String> labels = labels(procedure, "'" + key + "' holds a node that has been deleted", node);
                if (!labels.contains(Schema.IMAGE_LABEL.name())) {
                    throw new IllegalArgumentException(procedure + ": '" + key + "' holds a node that is not an Image (labels "
                            + Bounded.list(labels) + ")");
                }
                n = node;
            } else if (o instanceof String id) {
                n = tx.findNode(Schema.IMAGE_LABEL, "id", id);
                if (n == null) {
                    throw new IllegalArgumentException(procedure + ": '" + key + "' names no Image with id " + Bounded.quote(id));
                }
            } else {
                throw new IllegalArgumentException(procedure + ": '" + key + "' must be a list of Image nodes or ids, but it holds "
                        + ConfigMap.describe(o));
            }
            if (out.stream().noneMatch(x -> x.getId() == n.getId())) {
                out.add(n);
            }
        }
        return out;
    }

    private static List<String> labels(String procedure, String deleted, Node n) {
        List<String> labels = new ArrayList<>();
        try {
            n.getLabels().forEach(l -> labels.add(l.name()));
        } catch (NotFoundException e) {
            throw new IllegalArgumentException(procedure + ": " + deleted);
        }
        return labels;
    }

    /** Number of Image nodes per feature dimension (null dimension = no features), with example ids. */
    public record DimensionGroup(Long dimension, long images, List<String> exampleIds) {}

    public List<DimensionGroup> featureDimensions() {
        List<DimensionGroup> groups = new ArrayList<>();
        try (Result r = tx.execute("MATCH (i:" + Schema.IMAGE + ") WITH size(i.features) AS dim, i.id AS id "
                + "RETURN dim, count(*) AS images, collect(id)[0..3] AS examples ORDER BY images DESC")) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                List<String> examples = new ArrayList<>();
                for (Object o : (List<?>) row.get("examples")) {
                    examples.add(String.valueOf(o));
                }
                groups.add(new DimensionGroup((Long) row.get("dim"), (Long) row.get("images"), examples));
            }
        }
        return groups;
    }

    /**
     * Checks that there are Image nodes and that all carry features of one dimension, matching
     * the catalog's encoder when one is recorded. Returns that one group: dimension and number of images.
     */
    public DimensionGroup requireUniformFeatures(String procedure) {
        List<DimensionGroup> groups = featureDimensions();
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": the graph has no Image nodes; import a catalog first");
        }
        for (DimensionGroup g : groups) {
            if (g.dimension() == null) {
                throw new IllegalArgumentException(procedure + ": " + g.images() + " Image node(s) have no 'features' (e.g. id "
                        + g.exampleIds() + "); re-import them or delete them");
            }
        }
        if (groups.size() > 1) {
            StringBuilder sb = new StringBuilder();
            for (DimensionGroup g : groups) {
                sb.append(sb.length() == 0 ? "" : ", ").append(g.dimension()).append("-d: ")
                        .append(g.images()).append(" image(s), e.g. ").append(g.exampleIds());
            }
            throw new IllegalArgumentException(procedure + ": Image features have mixed dimensions (" + sb
                    + "); all images must come from one encoder");
        }
        DimensionGroup only = groups.get(0);
        Node catalog = catalogNode();
        if (catalog != null) {
            Object recorded = catalog.getProperty("featureDimension", null);
            if (recorded instanceof Number n && n.longValue() != only.dimension()) {
                throw new IllegalArgumentException(procedure + ": Image features are " + only.dimension()
                        + "-d but the catalog's encoder " + catalog.getProperty("encoder", "?") + " is " + n + "-d");
            }
        }
        return only;
    }
}
