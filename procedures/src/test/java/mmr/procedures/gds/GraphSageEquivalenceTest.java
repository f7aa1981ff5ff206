package mmr.procedures.gds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mmr.model.sage.GraphSage;
import mmr.model.sage.SageGraph;
import mmr.model.sage.SageWeights;
import mmr.model.vector.Vectors;
import mmr.procedures.testing.HarnessTest;
import mmr.procedures.testing.InMemorySageGraph;

/**
 * The native forward pass over weights exported from GDS reproduces gds.beta.graphSage.stream for
 * every node, on graphs whose degrees are within the sample sizes (so sampling takes everything).
 */
class GraphSageEquivalenceTest extends HarnessTest {

    @BeforeEach
    void smallCatalog() {
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
        run("CALL gds.graph.drop('sage', false) YIELD graphName RETURN graphName", Map.of());
    }

    private void build(int imageDim, int tagDim) {
        Random rnd = new Random(11);
        List<Map<String, Object>> images = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            images.add(Map.of("id", "i" + i, "features", random(rnd, imageDim)));
        }
        List<Map<String, Object>> tags = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            tags.add(Map.of("name", "t" + t, "features", random(rnd, tagDim)));
        }
        db.executeTransactionally("UNWIND $rows AS r CREATE (:Image {id: r.id, features: r.features})", Map.of("rows", images));
        db.executeTransactionally("UNWIND $rows AS r CREATE (:Tag {name: r.name, features: r.features})", Map.of("rows", tags));
        // Each image: up to 2 visual neighbours (one direction only) and 1-2 tags; all degrees stay <= 10.
        db.executeTransactionally("MATCH (a:Image), (b:Image) WHERE toInteger(substring(a.id, 1)) + 1 = toInteger(substring(b.id, 1)) "
                + "OR toInteger(substring(a.id, 1)) + 7 = toInteger(substring(b.id, 1)) CREATE (a)-[:SIMILAR {score: 0.9}]->(b)");
        db.executeTransactionally("MATCH (i:Image), (t:Tag) WHERE toInteger(substring(i.id, 1)) % 8 = toInteger(substring(t.name, 1)) "
                + "OR (toInteger(substring(i.id, 1)) + 3) % 8 = toInteger(substring(t.name, 1)) AND toInteger(substring(i.id, 1)) % 2 = 0 "
                + "CREATE (i)-[:TAGGED]->(t)");
        long maxDegree = db.executeTransactionally("MATCH (n) RETURN max(COUNT { (n)--() }) AS d", Map.of(),
                r -> (Long) r.next().get("d"));
        assertThat(maxDegree).isLessThanOrEqualTo(10);
        run("CALL gds.graph.project('sage', {Image: {properties: 'features'}, Tag: {properties: 'features'}}, "
                + "{SIMILAR: {orientation: 'UNDIRECTED'}, TAGGED: {orientation: 'UNDIRECTED'}}) YIELD graphName RETURN graphName", Map.of());
    }

    @Test
    void singleLabelMatchesGdsForEveryNode() {
        build(6, 6);
        assertEquivalent("sage-single", "{featureProperties: ['features'], activationFunction: 'sigmoid'}");
    }

    @Test
    void multiLabelMatchesGdsForEveryNode() {
        build(6, 4);
        assertEquivalent("sage-multi", "{featureProperties: ['features'], projectedFeatureDimension: 5, activationFunction: 'relu'}");
    }

    private void assertEquivalent(String model, String extra) {
        run("CALL gds.model.drop($m, false) YIELD modelName RETURN modelName", Map.of("m", model));
        run("CALL gds.beta.graphSage.train('sage', {modelName: $m, aggregator: 'mean', sampleSizes: [25, 10], "
                + "embeddingDimension: 8, epochs: 2, maxIterations: 5, randomSeed: 42, " + extra.substring(1)
                + ") YIELD modelInfo RETURN modelInfo", Map.of("m", model));
        Map<Long, float[]> gds = new HashMap<>();
        db.executeTransactionally("CALL gds.beta.graphSage.stream('sage', {modelName: $m}) YIELD nodeId, embedding "
                + "RETURN nodeId, embedding", Map.of("m", model), r -> {
                    r.forEachRemaining(row -> gds.put((Long) row.get("nodeId"), Vectors.toFloats(row.get("embedding"))));
                    return null;
                });
        assertThat(gds).hasSize(38);

        SageWeights weights = GraphSageExport.export(model);
        assertThat(weights.layers()).extracting(SageWeights.Layer::sampleSize).containsExactly(25, 10);
        assertThat(weights.embeddingDimension()).isEqualTo(8);
        GraphSage sage = new GraphSage(weights);
        SageGraph graph = new InMemorySageGraph(db);
        double worst = 1;
        for (Map.Entry<Long, float[]> e : gds.entrySet()) {
            float[] mine = sage.embed(graph, e.getKey());
            worst = Math.min(worst, Vectors.cosine(mine, e.getValue()));
            for (int i = 0; i < mine.length; i++) {
                assertThat(mine[i]).as("node %d dim %d", e.getKey(), i).isCloseTo(e.getValue()[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        assertThat(worst).isGreaterThanOrEqualTo(0.99999);
    }

    /** Runs a statement to completion (a Cypher result not consumed may never run). */
    private void run(String cypher, Map<String, Object> params) {
        db.executeTransactionally(cypher, params, r -> r.resultAsString());
    }

    private static float[] random(Random rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
