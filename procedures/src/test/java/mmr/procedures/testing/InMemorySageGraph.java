package mmr.procedures.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.neo4j.graphdb.GraphDatabaseService;

import mmr.model.sage.SageGraph;
import mmr.model.vector.Vectors;

/**
 * A small graph read whole into memory, neighbours in both directions with multiplicity, as GDS
 * sees an undirected projection. Asserts degrees stay within the sample sizes, where sampling
 * takes every neighbour and results can be compared exactly.
 */
public final class InMemorySageGraph implements SageGraph {
    private final Map<Long, List<Long>> adjacency = new HashMap<>();
    private final Map<Long, float[]> features = new HashMap<>();
    private final Map<Long, String> labels = new HashMap<>();

    public InMemorySageGraph(GraphDatabaseService db) {
        db.executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag RETURN id(n) AS id, n.features AS f, labels(n)[0] AS label",
                Map.of(), r -> {
                    r.forEachRemaining(row -> {
                        long id = (Long) row.get("id");
                        features.put(id, Vectors.toFloats(row.get("f")));
                        labels.put(id, (String) row.get("label"));
                        adjacency.put(id, new ArrayList<>());
                    });
                    return null;
                });
        db.executeTransactionally("MATCH (a)-[:SIMILAR|TAGGED|LIKED_WITH|LIKED_FOR]->(b) RETURN id(a) AS a, id(b) AS b", Map.of(), r -> {
            r.forEachRemaining(row -> {
                adjacency.get((Long) row.get("a")).add((Long) row.get("b"));
                adjacency.get((Long) row.get("b")).add((Long) row.get("a"));
            });
            return null;
        });
    }

    public List<Long> nodes() {
        return new ArrayList<>(features.keySet());
    }

    @Override
    public long[] neighbours(long node, int sampleSize) {
        List<Long> all = adjacency.get(node);
        assertThat(all.size()).as("degree of node %d within the sample size", node).isLessThanOrEqualTo(sampleSize);
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public float[] features(long node) {
        return features.get(node);
    }

    @Override
    public String label(long node) {
        return labels.get(node);
    }
}
