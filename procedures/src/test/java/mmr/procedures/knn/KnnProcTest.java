package mmr.procedures.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.harness.Neo4j;

import mmr.model.vector.Vectors;
import mmr.procedures.testing.HarnessTest;
import mmr.procedures.testing.TestDatabases;

class KnnProcTest extends HarnessTest {
    private final Map<String, float[]> features = new HashMap<>();

    @BeforeEach
    void clusteredImages() {
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
        features.clear();
        Random rnd = new Random(7);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            float[] centre = randomUnit(rnd, 24);
            for (int j = 0; j < 10; j++) {
                float[] v = centre.clone();
                for (int d = 0; d < v.length; d++) {
                    v[d] += (float) (rnd.nextGaussian() * 0.25);
                }
                Vectors.normaliseInPlace(v);
                String id = "img-" + c + "-" + j;
                features.put(id, v);
                rows.add(Map.of("id", id, "features", v));
            }
        }
        db.executeTransactionally("UNWIND $rows AS row CREATE (:Image {id: row.id, features: row.features})",
                Map.of("rows", rows));
    }

    @Test
    void writesTheExactTopKAboveTheCutoffWithPlainCosineScores() {
        assertThat(exactShare(single("CALL mmr.knn()"))).isEqualTo(1.0);
    }

    @Test
    void gdsFindsAlmostEveryExactNeighbourOnASmallGraph() {
        // GDS kNN is approximate (NN-descent); on a 60-node graph it should find (almost) every exact neighbour.
        assertThat(exactShare(single("CALL mmr.knn({method: 'gds'})"))).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void refiningRecoversTheNeighboursAPoorFirstPassMissed() {
        // GDS stopped after one iteration from random neighbours: a poor start
        String poor = "method: 'gds', maxIterations: 1, sampleRate: 0.1, concurrency: 1";
        double unrefined = exactShare(single("CALL mmr.knn({" + poor + ", refine: 0})"));
        db.executeTransactionally("MATCH ()-[s:SIMILAR]->() DELETE s");
        double refined = exactShare(single("CALL mmr.knn({" + poor + ", refine: 2})"));
        assertThat(unrefined).isLessThan(0.9);
        assertThat(refined).isGreaterThan(unrefined).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void descentFindsTheExactNeighboursWithoutWaitingForAnIndexAndStillCreatesIt() {
        db.executeTransactionally("DROP INDEX " + mmr.procedures.graph.Schema.IMAGE_FEATURES_INDEX + " IF EXISTS");
        Map<String, Object> r = single("CALL mmr.knn({method: 'descent'})");
        assertThat(exactShare(r)).isGreaterThanOrEqualTo(0.98);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) r.get("config");
        assertThat(config).containsEntry("method", "descent").containsEntry("refine", 6L).doesNotContainKey("candidates");
        assertThat(indexCount()).as("the index search attaches with, populating on its own").isEqualTo(1L);
        assertError("CALL mmr.knn({method: 'descent', refine: 0})", "mmr.knn: 'refine' must be an integer from 1 to 10, got 0");
    }

    @Test
    void theVectorIndexIsCreatedWhenMissingAndReused() {
        db.executeTransactionally("DROP INDEX " + mmr.procedures.graph.Schema.IMAGE_FEATURES_INDEX + " IF EXISTS");
        single("CALL mmr.knn({topK: 3})");
        Set<String> first = edgeKeys();
        assertThat(indexCount()).isEqualTo(1L);
        single("CALL mmr.knn({topK: 3})");
        assertThat(indexCount()).isEqualTo(1L);
        assertThat(edgeKeys()).isEqualTo(first);
    }

    @Test
    void theVectorIndexMethodSpreadsOverThreadsWithTheSameEdges() {
        single("CALL mmr.knn({topK: 4})");
        Set<String> one = edgeKeys();
        Map<String, Object> r = single("CALL mmr.knn({topK: 4, concurrency: 3})");
        assertThat(edgeKeys()).isEqualTo(one);
        assertThat(r.get("relationshipsWritten")).isEqualTo((long) one.size());
    }

    private long indexCount() {
        return db.executeTransactionally("SHOW VECTOR INDEXES YIELD name WHERE name = $n RETURN count(*) AS c",
                Map.of("n", mmr.procedures.graph.Schema.IMAGE_FEATURES_INDEX), r -> (Long) r.next().get("c"));
    }

    /** Checks the written edges (scores, cutoff, at most 5 each) and returns the share of the exact top 5 they hold. */
    private double exactShare(Map<String, Object> result) {
        assertThat(result.get("images")).isEqualTo(60L);
        assertThat(result.get("relationshipsDeleted")).isEqualTo(0L);

        Map<String, List<Map<String, Object>>> written = similarEdges();
        long total = written.values().stream().mapToLong(List::size).sum();
        assertThat(result.get("relationshipsWritten")).isEqualTo(total);
        int exactMatches = 0;
        int expectedTotal = 0;
        for (String id : features.keySet()) {
            List<String> exact = exactTopK(id, 5, 0.65);
            expectedTotal += exact.size();
            List<Map<String, Object>> edges = written.getOrDefault(id, List.of());
            assertThat(edges.size()).isLessThanOrEqualTo(5);
            for (Map<String, Object> e : edges) {
                double expected = Vectors.cosine(features.get(id), features.get((String) e.get("target")));
                assertThat((Double) e.get("score")).isCloseTo(expected, within(1e-5));
                assertThat((Double) e.get("score")).isGreaterThanOrEqualTo(0.65 - 1e-6);
                if (exact.contains(e.get("target"))) {
                    exactMatches++;
                }
            }
        }
        return exactMatches / (double) expectedTotal;
    }

    @Test
    void rebuildingReplacesEdgesAndIsDeterministic() {
        single("CALL mmr.knn({topK: 3})");
        Set<String> first = edgeKeys();
        Map<String, Object> again = single("CALL mmr.knn({topK: 3})");
        assertThat(again.get("relationshipsDeleted")).isEqualTo((long) first.size());
        assertThat(again.get("relationshipsWritten")).isEqualTo((long) first.size());
        assertThat(edgeKeys()).isEqualTo(first);
    }

    @Test
    void batchedWritesGiveTheSameEdgesAsOneTransaction() {
        single("CALL mmr.knn({topK: 4})");
        Set<String> atOnce = edgeKeys();
        db.executeTransactionally("MATCH ()-[s:SIMILAR]->() WHERE s.score > 0.9 DELETE s");
        db.executeTransactionally("MATCH (a:Image {id: 'img-0-0'}), (b:Image {id: 'img-5-9'}) CREATE (a)-[:SIMILAR {score: -1.0}]->(b)");
        Map<String, Object> r = single("CALL mmr.knn({topK: 4, writeBatchSize: 7})");
        assertThat(edgeKeys()).isEqualTo(atOnce);
        assertThat(r.get("relationshipsWritten")).isEqualTo((long) atOnce.size());
    }

    @Test
    void cutoffOfOneKeepsOnlyIdenticalImages() {
        Map<String, Object> r = single("CALL mmr.knn({similarityCutoff: 0.9999})");
        assertThat(r.get("relationshipsWritten")).isEqualTo(0L);
        assertThat(r.get("imagesWithoutNeighbours")).isEqualTo(60L);
        assertThat(r.get("minScore")).isNull();
    }

    @Test
    void returnsTheEffectiveConfig() {
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) single("CALL mmr.knn({topK: 2})").get("config");
        assertThat(config).containsEntry("method", "vectorIndex").containsEntry("topK", 2L).containsEntry("similarityCutoff", 0.65)
                .containsEntry("candidates", 12L).containsEntry("concurrency", 1L).containsEntry("refine", 2L).doesNotContainKey("randomSeed");
        @SuppressWarnings("unchecked")
        Map<String, Object> gds = (Map<String, Object>) single("CALL mmr.knn({method: 'gds', topK: 2})").get("config");
        assertThat(gds).containsEntry("method", "gds").containsEntry("randomSeed", 42L).doesNotContainKey("candidates");
    }

    @Test
    void badConfigIsRefusedBeforeAnythingChanges() {
        single("CALL mmr.knn()");
        Set<String> before = edgeKeys();
        assertError("CALL mmr.knn({topk: 3})",
                "Unknown config key 'topk' for mmr.knn (did you mean 'topK'?); known keys: candidates, concurrency, deltaThreshold, maxIterations, method, randomSeed, refine, sampleRate, similarityCutoff, topK, writeBatchSize");
        assertError("CALL mmr.knn({method: 'hnsw'})", "mmr.knn: 'method' must be one of 'vectorIndex', 'gds', 'descent', got 'hnsw' (String)");
        assertError("CALL mmr.knn({sampleRate: 0.8})", "mmr.knn: 'sampleRate' applies to method 'gds' only; drop it or add method: 'gds'");
        assertError("CALL mmr.knn({topK: 5, candidates: 5})", "mmr.knn: 'candidates' must be an integer from 6 to 10000, got 5 (Integer)");
        assertError("CALL mmr.knn({writeBatchSize: -1})", "mmr.knn: 'writeBatchSize' must be an integer from 0 to 1000000, got -1 (Integer)");
        assertError("CALL mmr.knn({topK: 0})", "mmr.knn: 'topK' must be an integer from 1 to 100, got 0 (Integer)");
        assertError("CALL mmr.knn({topK: 'five'})", "mmr.knn: 'topK' must be an integer from 1 to 100, got 'five' (String)");
        assertError("CALL mmr.knn({similarityCutoff: 1.5})",
                "mmr.knn: 'similarityCutoff' must be a number from -1.0 to 1.0, got 1.5 (Float)");
        assertError("CALL mmr.knn({method: 'gds', concurrency: 2, randomSeed: 1})",
                "mmr.knn: 'randomSeed' gives a deterministic result only with 'concurrency' 1, got concurrency 2");
        assertThat(edgeKeys()).isEqualTo(before);
    }

    @Test
    void badGraphsAreNamed() {
        db.executeTransactionally("CREATE (:Image {id: 'no-features'})");
        assertError("CALL mmr.knn()", "mmr.knn: 1 Image node(s) have no 'features' (e.g. id [no-features])");
        db.executeTransactionally("MATCH (i:Image {id: 'no-features'}) SET i.features = [1.0, 2.0]");
        assertError("CALL mmr.knn()", "mmr.knn: Image features have mixed dimensions (24-d: 60 image(s)");
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
        assertError("CALL mmr.knn()", "mmr.knn: the graph has no Image nodes; import a catalog first");
    }

    @Test
    void withoutGdsTheVectorIndexMethodWorksAndTheGdsMethodSaysWhatIsMissing() {
        try (Neo4j bare = TestDatabases.builder(false).build()) {
            GraphDatabaseService plain = bare.defaultDatabaseService();
            plain.executeTransactionally("CREATE (:Image {id: 'a', features: [1.0, 0.0]}), (:Image {id: 'b', features: [0.8, 0.6]})");
            Object written = plain.executeTransactionally("CALL mmr.knn()", Map.of(), r -> r.next().get("relationshipsWritten"));
            assertThat(written).isEqualTo(2L);
            assertThatThrownBy(() -> plain.executeTransactionally("CALL mmr.knn({method: 'gds'})"))
                    .hasMessageContaining("Graph Data Science (GDS 2.13.x) is not installed on this server");
        }
    }

    private void assertError(String cypher, String message) {
        assertThatThrownBy(() -> db.executeTransactionally(cypher))
                .isInstanceOf(QueryExecutionException.class)
                .hasMessageContaining(message);
    }

    private Map<String, Object> single(String cypher) {
        return db.executeTransactionally(cypher, Map.of(), r -> r.next());
    }

    private Map<String, List<Map<String, Object>>> similarEdges() {
        Map<String, List<Map<String, Object>>> out = new HashMap<>();
        db.executeTransactionally("MATCH (a:Image)-[s:SIMILAR]->(b:Image) RETURN a.id AS a, b.id AS b, s.score AS score",
                Map.of(), r -> {
                    r.forEachRemaining(row -> out.computeIfAbsent((String) row.get("a"), k -> new ArrayList<>())
                            .add(Map.of("target", row.get("b"), "score", row.get("score"))));
                    return null;
                });
        return out;
    }

    private Set<String> edgeKeys() {
        Set<String> keys = new HashSet<>();
        similarEdges().forEach((a, edges) -> edges.forEach(e -> keys.add(a + "->" + e.get("target") + "@" + e.get("score"))));
        return keys;
    }

    private List<String> exactTopK(String id, int k, double cutoff) {
        return features.keySet().stream().filter(o -> !o.equals(id))
                .filter(o -> Vectors.cosine(features.get(id), features.get(o)) >= cutoff)
                .sorted(Comparator.comparingDouble(o -> -Vectors.cosine(features.get(id), features.get(o))))
                .limit(k).toList();
    }

    private static float[] randomUnit(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Vectors.normaliseInPlace(v);
    }
}
