package mmr.ingest.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.neo4j.graphdb.GraphDatabaseService;

/** Cypher against an in-process database (the embedded runner or {@code --db-dir}). */
public final class EmbeddedCypher implements CypherRunner {
    private final GraphDatabaseService db;
    private final String description;

    public EmbeddedCypher(GraphDatabaseService db, String description) {
        this.db = db;
        this.description = description;
    }

    @Override
    public List<Map<String, Object>> write(String cypher, Map<String, Object> params) {
        return db.executeTransactionally(cypher, params, result -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            result.forEachRemaining(rows::add);
            return rows;
        });
    }

    @Override
    public void read(String cypher, Map<String, Object> params, Consumer<Map<String, Object>> rows) {
        try (var tx = db.beginTx(); var result = tx.execute(cypher, params)) {
            result.forEachRemaining(rows);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        // The database belongs to whoever opened it.
    }
}
