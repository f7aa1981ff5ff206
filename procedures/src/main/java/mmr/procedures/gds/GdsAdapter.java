package mmr.procedures.gds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.SageWeights;
import mmr.model.sage.TrainedSage;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.Schema;

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

    /**
     * What GDS kNN is asked: {@code similarityCutoff} on GDS's (1 + cosine) / 2 scale, {@code randomSeed}
     * null for none.
     */
    public record KnnParameters(int topK, double similarityCutoff, int concurrency, double sampleRate, double deltaThreshold,
                                int maxIterations, Long randomSeed) {}

    /**
     * What GDS GraphSAGE is asked: mmr's model name, the hyper-parameters passed to GDS as they are
     * ({@code trainParameters}, e.g. embeddingDimension, sampleSizes, epochs), the activation, and the
     * projected feature dimension used when images and tags have different feature dimensions.
     */
    public record GraphSageParameters(String modelName, Map<String, Object> trainParameters, String activation,
                                      int concurrency, int projectedFeatureDimension) {}

    /** Visual neighbour pairs as internal node ids and plain cosine similarity. */
    public record Neighbours(long[] source, long[] target, double[] cosine, int size) {}

    /**
     * Runs GDS kNN over {@code Image.features} (cosine) and returns each image's top-K neighbours
     * at or above the cutoff. The in-memory projection is dropped before returning.
     */
    public Neighbours visualNeighbours(KnnParameters config) {
        String graph = "mmr-knn-" + UUID.randomUUID();
        project(graph);
        RuntimeException failure = null;
        try {
            Map<String, Object> knn = new HashMap<>();
            knn.put("nodeProperties", Map.of("features", "COSINE"));
            knn.put("topK", config.topK());
            knn.put("similarityCutoff", config.similarityCutoff());
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

    /** Fails with the "GDS is not installed" message unless GDS answers. */
    public void requireGds() {
        consume("CALL gds.graph.list() YIELD graphName RETURN count(graphName) AS graphs", Map.of());
    }

    /**
     * Projects Image and Tag nodes with their SIMILAR and TAGGED edges (undirected), trains GDS
     * GraphSAGE (mean aggregator), streams every node's embedding and exports the weights. The
     * projection and the GDS model are dropped before returning: mmr keeps its own copy.
     */
    public TrainedSage trainGraphSage(GraphSageParameters config, List<String> labels,
                                      List<String> types, boolean multiLabel) {
        String graph = "mmr-train-" + UUID.randomUUID();
        String model = "mmr-" + config.modelName() + "-" + UUID.randomUUID();
        Map<String, Object> nodeProjection = new HashMap<>();
        for (String label : labels) {
            nodeProjection.put(label, Map.of("properties", "features"));
        }
        Map<String, Object> relationshipProjection = new HashMap<>();
        for (String type : types) {
            // Unweighted: a weighted model ranked worse (docs/benchmarks.md), and mmr's forward pass takes plain means.
            relationshipProjection.put(type, Map.of("orientation", "UNDIRECTED"));
        }
        long[] counts = new long[2];
        try (Result r = run("CALL gds.graph.project($graph, $nodes, $rels) YIELD nodeCount, relationshipCount "
                + "RETURN nodeCount, relationshipCount", Map.of("graph", graph, "nodes", nodeProjection, "rels", relationshipProjection))) {
            Map<String, Object> row = r.next();
            counts[0] = (Long) row.get("nodeCount");
            counts[1] = (Long) row.get("relationshipCount");
        }
        RuntimeException failure = null;
        try {
            Map<String, Object> train = new HashMap<>(config.trainParameters());
            train.put("modelName", model);
            train.put("featureProperties", List.of("features"));
            train.put("aggregator", "mean");
            train.put("activationFunction", config.activation());
            if (multiLabel) {
                train.put("projectedFeatureDimension", config.projectedFeatureDimension());
            }
            Map<String, Object> info;
            long trainMillis;
            try (Result r = run("CALL gds.beta.graphSage.train($graph, $config) YIELD modelInfo, trainMillis "
                    + "RETURN modelInfo, trainMillis", Map.of("graph", graph, "config", train))) {
                Map<String, Object> row = r.next();
                @SuppressWarnings("unchecked")
                Map<String, Object> modelInfo = (Map<String, Object>) row.get("modelInfo");
                info = modelInfo;
                trainMillis = (Long) row.get("trainMillis");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> metrics = (Map<String, Object>) info.getOrDefault("metrics", Map.of());
            List<Double> losses = new ArrayList<>();
            if (metrics.get("epochLosses") instanceof List<?> l) {
                l.forEach(x -> losses.add(((Number) x).doubleValue()));
            }
            Map<Long, float[]> embeddings = new HashMap<>();
            try (Result r = run("CALL gds.beta.graphSage.stream($graph, {modelName: $model, concurrency: $concurrency}) "
                    + "YIELD nodeId, embedding RETURN nodeId, embedding",
                    Map.of("graph", graph, "model", model, "concurrency", config.concurrency()))) {
                while (r.hasNext()) {
                    Map<String, Object> row = r.next();
                    embeddings.put((Long) row.get("nodeId"), Vectors.toFloats(row.get("embedding")));
                }
            }
            SageWeights weights = GraphSageExport.export(model);
            return new TrainedSage(embeddings, weights, counts[0], counts[1],
                    ((Number) metrics.getOrDefault("ranEpochs", (long) losses.size())).longValue(),
                    Boolean.TRUE.equals(metrics.get("didConverge")), losses, trainMillis, null, null, Double.NaN, new long[0]);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            dropModelAfter(model, failure);
            dropAfter(graph, failure);
        }
    }

    private void dropModelAfter(String model, RuntimeException failure) {
        try {
            consume("CALL gds.model.drop($model, false) YIELD modelName RETURN modelName", Map.of("model", model));
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private void project(String graph) {
        consume("MATCH (i:" + Schema.IMAGE + ") WHERE i.features IS NOT NULL "
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
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e);
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
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * A missing GDS shows up as an unknown procedure or function, at execute or at first row. No
     * cause is chained: Neo4j reports a procedure's root cause, which would hide this message.
     */
    private static RuntimeException translate(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        boolean notFound = e instanceof QueryExecutionException q && q.getStatusCode() != null
                && q.getStatusCode().contains("ProcedureNotFound");
        if (notFound || message.contains("There is no procedure with the name `gds.")
                || message.contains("Unknown function 'gds.")) {
            return new IllegalStateException("Graph Data Science (GDS " + SUPPORTED
                    + ".x) is not installed on this server; mmr.knn({method: 'gds'}) and mmr.train({trainer: 'gds'}) need it (search, tagging, the default kNN method "
                    + "and the default djl trainer do not). Copy the GDS " + SUPPORTED + " plugin jar into the server's "
                    + "plugins/ folder next to mmr's and restart (docs/install.md). (" + e.getMessage() + ")");
        }
        return e;
    }

    /** Growable parallel arrays: no boxing for the ~K × n pairs of a large catalog. */
    private static final class PairList {
        long[] source = new long[1024];
        long[] target = new long[1024];
        double[] cosine = new double[1024];
        int size;

        void add(long s, long t, double c) {
            if (size == source.length) {
                source = Arrays.copyOf(source, size * 2);
                target = Arrays.copyOf(target, size * 2);
                cosine = Arrays.copyOf(cosine, size * 2);
            }
            source[size] = s;
            target[size] = t;
            cosine[size] = c;
            size++;
        }
    }
}
