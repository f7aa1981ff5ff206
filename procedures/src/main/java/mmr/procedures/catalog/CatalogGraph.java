package mmr.procedures.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

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

    /** The catalog record, or null before the first import. */
    public Node catalogNode() {
        return tx.findNode(org.neo4j.graphdb.Label.label(CATALOG_LABEL), "name", CATALOG_NAME);
    }

    /** Number of Image nodes per feature dimension (null dimension = no features), with example ids. */
    public record DimensionGroup(Long dimension, long images, List<String> exampleIds) {}

    public List<DimensionGroup> featureDimensions() {
        List<DimensionGroup> groups = new ArrayList<>();
        try (Result r = tx.execute("MATCH (i:Image) WITH size(i.features) AS dim, i.id AS id "
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
     * the catalog's encoder when one is recorded. Returns the number of images.
     */
    public long requireUniformFeatures(String procedure) {
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
        return only.images();
    }
}
