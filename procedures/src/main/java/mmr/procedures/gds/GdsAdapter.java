package mmr.procedures.gds;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.procedures.knn.KnnConfig;

/**
 * Every call mmr makes into GDS goes through here. GDS moved packages and facades between
 * versions; its procedure names are the stable surface, so we call those, in the caller's
 * transaction.
 */
public final class GdsAdapter {
    /** GDS version mmr is built and tested against. */
    public static final String SUPPORTED = "2.13";

    private final Transaction tx;

    public GdsAdapter(Transaction tx) {
        this.tx = tx;
    }

    /** Visual neighbour pairs as internal node ids and plain cosine similarity. */
    public record Neighbours(long[] source, long[] target, double[] cosine, int size) {}

    /**
     * Runs GDS kNN over {@code Image.features} (cosine) and returns each image's top-K neighbours
     * at or above the cutoff. The in-memory projection is dropped before returning.
     */
    public Neighbours visualNeighbours(KnnConfig config) {
        String graph = "mmr-knn-" + UUID.randomUUID();
        project(graph);
        RuntimeException failure = null;
        try {
            Map<String, Object> knn = new HashMap<>();
            knn.put("nodeProperties", Map.of("features", "COSINE"));
            knn.put("topK", config.topK());
            knn.put("similarityCutoff", config.gdsSimilarityCutoff());
            knn.put("concurrency", config.concurrency());
            knn.put("sampleRate", config.sampleRate());
            knn.put("deltaThreshold", config.deltaThreshold());
            knn.put("maxIterations", config.maxIterations());
            if (config.randomSeed() != null) {
                knn.put("randomSeed", config.randomSeed());
            }
            PairList pairs = new PairList();
            try (Result r = run("CALL gds.knn.stream($graph, $config) YIELD node1, node2, similarity "
                    + "RETURN node1, node2, similarity", Map.of("graph", graph, "config", knn))) {
                while (r.hasNext()) {
                    Map<String, Object> row = r.next();
                    // GDS reports cosine as (1 + cos) / 2; the graph stores the plain cosine.
                    pairs.add((Long) row.get("node1"), (Long) row.get("node2"),
                            2 * ((Number) row.get("similarity")).doubleValue() - 1);
                }
            }
            return new Neighbours(pairs.source, pairs.target, pairs.cosine, pairs.size);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            dropAfter(graph, failure);
        }
    }

    private void project(String graph) {
        consume("MATCH (i:Image) WHERE i.features IS NOT NULL "
                + "WITH gds.graph.project($graph, i, null, {sourceNodeLabels: 'Image', "
                + "targetNodeLabels: null, sourceNodeProperties: i {.features}, targetNodeProperties: null}, {readConcurrency: 1}) AS g RETURN g.nodeCount",
                Map.of("graph", graph));
    }

    /** Runs a statement to completion: Cypher results are lazy, and closing one early skips the work. */
    private void consume(String cypher, Map<String, Object> params) {
        try (Result r = run(cypher, params)) {
            while (r.hasNext()) {
                r.next();
            }
        }
    }

    /** Drops the projection; after a failure the transaction may be dead, so keep the first error. */
    private void dropAfter(String graph, RuntimeException failure) {
        try {
            consume("CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName", Map.of("graph", graph));
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private Result run(String cypher, Map<String, Object> params) {
        try {
            return tx.execute(cypher, params);
        } catch (QueryExecutionException e) {
            if (e.getStatusCode() != null && e.getStatusCode().contains("ProcedureNotFound")
                    || String.valueOf(e.getMessage()).contains("Unknown function 'gds.")) {
                throw new IllegalStateException("Graph Data Science (GDS " + SUPPORTED
                        + ".x) is not installed on this server; mmr needs it for kNN and training. "
                        + "Install the GDS plugin next to mmr and restart. (" + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    /** Growable parallel arrays: no boxing for the ~K × n pairs of a large catalog. */
    private static final class PairList {
        long[] source = new long[1024];
        long[] target = new long[1024];
        double[] cosine = new double[1024];
        int size;

        void add(long s, long t, double c) {
            if (size == source.length) {
                source = java.util.Arrays.copyOf(source, size * 2);
                target = java.util.Arrays.copyOf(target, size * 2);
                cosine = java.util.Arrays.copyOf(cosine, size * 2);
            }
            source[size] = s;
            target[size] = t;
            cosine[size] = c;
            size++;
        }
    }
}
