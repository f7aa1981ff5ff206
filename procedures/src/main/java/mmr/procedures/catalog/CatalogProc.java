package mmr.procedures.catalog;

import java.util.stream.Stream;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Procedure;

import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.Schema;

/** {@code mmr.catalog.info}: what is in the graph and which encoder made it. */
public class CatalogProc {
    @Context
    public Transaction tx;

    @Procedure(name = "mmr.catalog.info", mode = Mode.READ)
    @Description("Counts of images, tags and edges in the mmr graph, and the encoder that produced its features.")
    public Stream<CatalogInfo> info() {
        Node catalog = new CatalogGraph(tx).catalogNode();
        long images = count("MATCH (:" + Schema.IMAGE + ") RETURN count(*)");
        long tags = count("MATCH (:" + Schema.TAG + ") RETURN count(*)");
        long tagged = count("MATCH (:" + Schema.IMAGE + ")-[r:" + Schema.TAGGED + "]->(:" + Schema.TAG + ") RETURN count(r)");
        long similar = count("MATCH (:" + Schema.IMAGE + ")-[r:" + Schema.SIMILAR + "]->(:" + Schema.IMAGE + ") RETURN count(r)");
        return Stream.of(new CatalogInfo(
                catalog == null ? null : (String) catalog.getProperty("encoder", null),
                catalog == null ? null : (Long) catalog.getProperty("featureDimension", null),
                catalog == null ? null : (String) catalog.getProperty("tagFeatureInit", null),
                images, tags, tagged, similar));
    }

    private long count(String cypher) {
        try (var r = tx.execute(cypher)) {
            return (Long) r.next().values().iterator().next();
        }
    }

    /** One row describing the catalog. */
    public static final class CatalogInfo {
        @Description("Encoder identity (name/dimension/version) of Image.features; null before the first import.")
        public final String encoder;
        @Description("Dimension of Image.features and Tag.features.")
        public final Long featureDimension;
        @Description("How Tag.features were initialised: random or centroid.")
        public final String tagFeatureInit;
        @Description("Number of Image nodes.")
        public final long images;
        @Description("Number of Tag nodes.")
        public final long tags;
        @Description("Number of (:Image)-[:TAGGED]->(:Tag) edges.")
        public final long tagged;
        @Description("Number of (:Image)-[:SIMILAR]->(:Image) visual kNN edges.")
        public final long similar;

        public CatalogInfo(String encoder, Long featureDimension, String tagFeatureInit, long images, long tags,
                           long tagged, long similar) {
            this.encoder = encoder;
            this.featureDimension = featureDimension;
            this.tagFeatureInit = tagFeatureInit;
            this.images = images;
            this.tags = tags;
            this.tagged = tagged;
            this.similar = similar;
        }
    }
}
