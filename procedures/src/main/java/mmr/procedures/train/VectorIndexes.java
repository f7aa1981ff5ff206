package mmr.procedures.train;

import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;

/**
 * The vector indexes search uses, kept in step with the vectors' dimensions. Schema changes cannot
 * share a transaction with data writes, so these run in their own transactions, before training
 * writes anything. Quantization is off: with Neo4j's default (on) the index's scores are approximate
 * and search recall@10 against exact was 0.92 (docs/benchmarks.md).
 */
public final class VectorIndexes {
    /** On Image.features: the query's visual neighbours. */
    public static final String IMAGE_FEATURES = "mmr_image_features";
    /** On Image.embedding: the ranking. */
    public static final String IMAGE_EMBEDDING = "mmr_image_embedding";
    /** On Tag.embedding: tag prediction. */
    public static final String TAG_EMBEDDING = "mmr_tag_embedding";

    private VectorIndexes() {}

    /** Whether the index exists and is online. */
    public static boolean online(org.neo4j.graphdb.Transaction tx, String name) {
        try {
            return tx.schema().getIndexState(tx.schema().getIndexByName(name)) == org.neo4j.graphdb.schema.Schema.IndexState.ONLINE;
        } catch (IllegalArgumentException missing) {
            return false;
        }
    }

    static void ensure(GraphDatabaseService db, String name, String label, String property, long dimensions) {
        Map<String, Object> existing = db.executeTransactionally("SHOW VECTOR INDEXES YIELD name, options WHERE name = $name "
                + "RETURN options.indexConfig.`vector.dimensions` AS dims, options.indexConfig.`vector.quantization.enabled` AS q",
                Map.of("name", name), r -> r.hasNext() ? r.next() : null);
        if (existing != null && ((Number) existing.get("dims")).longValue() == dimensions
                && Boolean.FALSE.equals(existing.get("q"))) {
            return;
        }
        if (existing != null) {
            db.executeTransactionally("DROP INDEX " + name);
        }
        db.executeTransactionally("CREATE VECTOR INDEX " + name + " IF NOT EXISTS FOR (n:" + label + ") ON (n." + property + ") "
                + "OPTIONS {indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine', "
                + "`vector.quantization.enabled`: false}}");
    }
}
