package mmr.procedures.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.harness.Neo4j;

import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/** Decoded model versions are cached within a byte budget, least recently used dropped first. */
class LoadedModelCacheTest {

    @Test
    void manyVersionsStayWithinTheBudget() {
        try (Neo4j neo4j = TestDatabases.builder(true).build()) {
            GraphDatabaseService db = neo4j.defaultDatabaseService();
            EmojiFixture.load(db);
            for (int v = 0; v < 3; v++) {
                db.executeTransactionally("CALL mmr.train({epochs: 1, embeddingDimension: 16})");
            }
            long was = LoadedModel.budget(Long.MAX_VALUE);
            try (Transaction tx = db.beginTx()) {
                List<Node> versions = List.of(version(tx, 1), version(tx, 2), version(tx, 3));
                long one = LoadedModel.of("test", tx, versions.get(0)).sage().decodedBytes();
                LoadedModel.budget(0);                          // training cached its versions: keep only the last used
                assertThat(LoadedModel.cachedBytes()).isEqualTo(one);
                LoadedModel.budget(2 * one + one / 2);         // room for two versions of this size, not three
                LoadedModel second = LoadedModel.of("test", tx, versions.get(1));
                LoadedModel third = LoadedModel.of("test", tx, versions.get(2));
                assertThat(LoadedModel.cachedBytes()).isEqualTo(2 * one);
                // version 1, the least recently used, was dropped; the two newest are still the same instances
                assertThat(LoadedModel.of("test", tx, versions.get(2))).isSameAs(third);
                assertThat(LoadedModel.of("test", tx, versions.get(1))).isSameAs(second);
                LoadedModel again = LoadedModel.of("test", tx, versions.get(0));
                assertThat(again.sage().decodedBytes()).isEqualTo(one);
                assertThat(LoadedModel.cachedBytes()).isEqualTo(2 * one);
                assertThat(LoadedModel.of("test", tx, versions.get(2))).as("dropped to make room for version 1").isNotSameAs(third);
            } finally {
                LoadedModel.budget(was);
            }
        }
    }

    private static Node version(Transaction tx, long v) {
        return tx.findNode(Label.label("MmrModel"), "version", v);
    }
}
