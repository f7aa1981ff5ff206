package mmr.procedures.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.QueryExecutionException;

import mmr.procedures.testing.HarnessTest;

/** What search needs before it can run: a catalog, a trained model matching its encoder. */
class SearchPreconditionsTest extends HarnessTest {
    @BeforeEach
    void catalog() {
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
        db.executeTransactionally("CREATE (:MmrCatalog {name: 'default', encoder: 'test/4/1', featureDimension: 4, tagFeatureInit: 'random'})");
        db.executeTransactionally("UNWIND range(0, 19) AS i CREATE (:Image {id: 'i' + i, features: [toFloat(i % 3), 1.0, toFloat(i % 5), 0.5]})");
        db.executeTransactionally("UNWIND range(0, 3) AS t CREATE (:Tag {name: 't' + t, features: [1.0, toFloat(t), 0.0, 1.0]})");
        db.executeTransactionally("MATCH (i:Image), (t:Tag) WHERE toInteger(substring(i.id, 1)) % 4 = toInteger(substring(t.name, 1)) "
                + "CREATE (i)-[:TAGGED]->(t)");
    }

    private void assertError(String cypher, String message) {
        assertThatThrownBy(() -> db.executeTransactionally(cypher, Map.of(), r -> r.resultAsString()))
                .isInstanceOf(QueryExecutionException.class).hasMessageContaining(message);
    }

    @Test
    void withoutATrainedModelSearchSaysToTrain() {
        assertError("CALL mmr.search({id: 'i1'})", "mmr.search: there is no trained model yet; run CALL mmr.train() first");
        assertError("CALL mmr.predictTags({id: 'i1'})", "mmr.predictTags: there is no trained model yet");
        assertError("CALL mmr.attach({tags: ['t1']})", "mmr.attach: there is no trained model yet");
    }

    @Test
    void aModelTrainedForAnotherEncoderDimensionIsRefused() {
        db.executeTransactionally("CALL mmr.train({trainer: 'gds', embeddingDimension: 8, epochs: 1, maxIterations: 2})", Map.of(), r -> r.resultAsString());
        db.executeTransactionally("MATCH (c:MmrCatalog) SET c.encoder = 'test/6/1', c.featureDimension = 6");
        assertError("CALL mmr.search({tags: ['t1']})", "model 'default' version 1 was trained on 4-d features, but the catalog's "
                + "encoder test/6/1 produces 6-d; retrain with CALL mmr.train()");
    }

    @Test
    void queriesRunOnceTrained() {
        db.executeTransactionally("CALL mmr.train({trainer: 'gds', embeddingDimension: 8, epochs: 1, maxIterations: 2})", Map.of(), r -> r.resultAsString());
        db.executeTransactionally("CALL db.awaitIndexes(120)");
        long n = db.executeTransactionally("CALL mmr.search({features: [1.0, 1.0, 0.0, 0.5], tags: ['t2']}, {k: 4, similarityCutoff: 0.0}) "
                + "YIELD image RETURN count(image) AS n", Map.of(), r -> (Long) r.next().get("n"));
        assertThat(n).isEqualTo(4);
    }
}
