package mmr.procedures.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/**
 * Two databases in one JVM, each with its own catalog and model (same names, same version numbers):
 * mmr's caches (decoded models, stored states, encoders) never hand one database the other's model.
 */
class PerDatabaseStateTest {

    @Test
    void eachDatabaseSearchesWithItsOwnModel() {
        try (Neo4j a = TestDatabases.builder(true).build(); Neo4j b = TestDatabases.builder(true).build()) {
            GraphDatabaseService dbA = a.defaultDatabaseService();
            GraphDatabaseService dbB = b.defaultDatabaseService();
            EmojiFixture.load(dbA);
            EmojiFixture.load(dbB);
            dbA.executeTransactionally("CALL mmr.train({epochs: 2, embeddingDimension: 32})");
            dbB.executeTransactionally("CALL mmr.train({epochs: 2, embeddingDimension: 16, randomSeed: 9})");
            for (GraphDatabaseService db : List.of(dbA, dbB)) {
                db.executeTransactionally("CALL db.awaitIndexes(300)");
            }
            List<String> firstA = ids(dbA);
            for (int round = 0; round < 3; round++) {   // interleaved: whatever one database cached, the other must not see
                assertThat(dimension(dbA)).isEqualTo(32);
                assertThat(dimension(dbB)).isEqualTo(16);
                assertThat(ids(dbA)).isEqualTo(firstA);
            }
        }
    }

    private static long dimension(GraphDatabaseService db) {
        return db.executeTransactionally("CALL mmr.attach({id: 'google:1fabd'}) YIELD embedding "
                + "RETURN size(embedding) AS d", Map.of(), r -> (Long) r.next().get("d"));
    }

    private static List<String> ids(GraphDatabaseService db) {
        return db.executeTransactionally("CALL mmr.search({id: 'google:1fabd'}, {k: 10}) YIELD image RETURN image.id AS id",
                Map.of(), r -> r.stream().map(m -> (String) m.get("id")).toList());
    }
}
