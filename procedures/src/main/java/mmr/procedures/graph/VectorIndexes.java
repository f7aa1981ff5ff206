package mmr.procedures.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.vector.Vectors;

/**
 * The vector indexes search uses ({@link Schema}'s index names): kept in step with the vectors'
 * dimensions, and queried. Schema changes cannot share a transaction with data writes, so
 * {@link #ensure} runs in its own transactions, before training writes anything. Quantization is
 * off: with Neo4j's default (on) the index's scores are approximate and search recall@10 against
 * exact was 0.92 (docs/benchmarks.md), and the exact scores let a search read only the top k.
 */
public final class VectorIndexes {
    private VectorIndexes() {}

    /** A node an index returned, with its plain cosine to the query vector. */
    public record Nearest(Node node, double cosine) {}

    /** A node an index returned, with the indexed vector itself (read by the query: its cursors are its own). */
    public record NearestVector(Node node, float[] vector) {}

    /** Whether the index exists and is online. */
    public static boolean online(Transaction tx, String name) {
        try {
            return tx.schema().getIndexState(tx.schema().getIndexByName(name)) == org.neo4j.graphdb.schema.Schema.IndexState.ONLINE;
        } catch (IllegalArgumentException missing) {
            return false;
        }
    }

    /**
     * The index's {@code candidates} nearest nodes to {@code vector} with cosine ≥ {@code minCosine},
     * at most {@code limit}, in the index's order.
     */
    public static List<Nearest> nearest(Transaction tx, String index, int candidates, float[] vector, double minCosine, int limit) {
        List<Nearest> out = new ArrayList<>();
        try (Result r = tx.execute("CALL db.index.vector.queryNodes($index, $n, $v) YIELD node, score "
                + "WHERE score >= $minScore RETURN node, score LIMIT $m",
                Map.of("index", index, "n", candidates, "v", vector, "minScore", (1 + minCosine) / 2 - 1e-6, "m", limit))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                out.add(new Nearest((Node) row.get("node"), cosine(row.get("score"))));
            }
        }
        return out;
    }

    /** The index's {@code candidates} nearest nodes to {@code vector}, every one, in the index's order. */
    public static List<Nearest> nearest(Transaction tx, String index, int candidates, float[] vector) {
        List<Nearest> out = new ArrayList<>();
        try (Result r = tx.execute("CALL db.index.vector.queryNodes($index, $n, $v) YIELD node, score RETURN node, score",
                Map.of("index", index, "n", candidates, "v", vector))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                out.add(new Nearest((Node) row.get("node"), cosine(row.get("score"))));
            }
        }
        return out;
    }

    /**
     * The first {@code limit} of the index's {@code candidates} nearest nodes to {@code vector}, with
     * their {@code property} (one of {@link Schema}'s vector properties; null where unreadable).
     */
    public static List<NearestVector> nearestVectors(Transaction tx, String index, int candidates, int limit, float[] vector,
                                                     String property) {
        List<NearestVector> out = new ArrayList<>();
        try (Result r = tx.execute("CALL db.index.vector.queryNodes($index, $n, $v) YIELD node "
                + "WITH node LIMIT $m RETURN node, node." + property + " AS e",
                Map.of("index", index, "n", candidates, "m", limit, "v", vector))) {
            while (r.hasNext()) {
                Map<String, Object> row = r.next();
                out.add(new NearestVector((Node) row.get("node"), Vectors.toFloats(row.get("e"))));
            }
        }
        return out;
    }

    /** The index reports (1 + cos) / 2. */
    private static double cosine(Object score) {
        return 2 * ((Number) score).doubleValue() - 1;
    }

    /** Creates the index, or drops and recreates it when its dimension or quantization differ. */
    public static void ensure(GraphDatabaseService db, String name, String label, String property, long dimensions) {
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
