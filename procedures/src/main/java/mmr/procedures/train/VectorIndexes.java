package mmr.procedures.train;

import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;

/**
 * The vector indexes search uses, kept in step with the vectors' dimensions. Schema changes cannot
 * share a transaction with data writes, so these run in their own transactions, before training
 * writes anything.
 */
final class VectorIndexes {
    private VectorIndexes() {}

    static void ensure(GraphDatabaseService db, String name, String label, String property, long dimensions) {
        Long existing = db.executeTransactionally("SHOW VECTOR INDEXES YIELD name, options WHERE name = $name "
                + "RETURN options.indexConfig.`vector.dimensions` AS dims", Map.of("name", name),
                r -> r.hasNext() ? ((Number) r.next().get("dims")).longValue() : null);
        if (existing != null && existing == dimensions) {
            return;
        }
        if (existing != null) {
            db.executeTransactionally("DROP INDEX " + name);
        }
        db.executeTransactionally("CREATE VECTOR INDEX " + name + " IF NOT EXISTS FOR (n:" + label + ") ON (n." + property + ") "
                + "OPTIONS {indexConfig: {`vector.dimensions`: " + dimensions + ", `vector.similarity_function`: 'cosine'}}");
    }
}
