package mmr.procedures.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.harness.Neo4j;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import mmr.model.vector.Vectors;
import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/**
 * mmr.tag with a dense tag (more carriers than {@link DenseSamples#MIN_DEGREE}): its neighbour sample
 * is kept across calls, and every embedding the calls write is still what a full recomputation over the
 * current graph gives — after other transactions change the tag's edges, when the call itself changes
 * them, and when the caller's transaction changed them before the call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DenseSamplesTest {
    private static final String IMAGE = "google:1f42c";   // carries 'animal'
    private static final int EXTRA_CARRIERS = DenseSamples.MIN_DEGREE + 100;

    private Neo4j neo4j;
    private GraphDatabaseService db;
    private String other;   // an image without 'animal'

    @BeforeAll
    void build() throws Exception {
        neo4j = TestDatabases.builder(true).build();
        db = neo4j.defaultDatabaseService();
        EmojiFixture.load(db);
        db.executeTransactionally("CALL mmr.train({epochs: 2})");
        // 'animal' becomes dense: copies of the image, each carrying it
        db.executeTransactionally("MATCH (src:Image {id: $id})-[:TAGGED]->(t:Tag {name: 'animal'}) UNWIND range(0, $n - 1) AS i "
                + "CREATE (c:Image {id: 'dense:' + i, features: src.features})-[:TAGGED]->(t)", Map.of("id", IMAGE, "n", EXTRA_CARRIERS));
        embedAll();
        other = db.executeTransactionally("MATCH (i:Image) WHERE NOT i.id STARTS WITH 'dense:' AND NOT (i)-[:TAGGED]->(:Tag {name: 'animal'}) "
                + "RETURN i.id AS id ORDER BY id LIMIT 1", Map.of(), r -> (String) r.next().get("id"));
    }

    @AfterAll
    void stop() {
        neo4j.close();
    }

    @Test
    @Order(1)
    void aDenseTagsSampleIsKeptAndReused() {
        long before = DenseSamples.hits(db);
        assertThat(before).as("the database keeps dense samples").isGreaterThanOrEqualTo(0);
        call("CALL mmr.tag($id, ['kite'])", IMAGE);
        assertMatchesRecomputation();
        long afterFirst = DenseSamples.hits(db);
        call("CALL mmr.untag($id, ['kite'])", IMAGE);
        assertMatchesRecomputation();
        assertThat(DenseSamples.hits(db)).as("the second call reads the kept sample").isGreaterThan(afterFirst);
    }

    @Test
    @Order(2)
    void aCommittedChangeToTheTagsEdgesDropsItsSample() {
        call("CALL mmr.tag($id, ['kite'])", IMAGE);   // 'animal' kept
        db.executeTransactionally("MATCH (i:Image)-[r:TAGGED]->(:Tag {name: 'animal'}) WHERE i.id IN ['dense:0', 'dense:1', 'dense:2'] DELETE r");
        embedAll();
        long hits = DenseSamples.hits(db);
        call("CALL mmr.untag($id, ['kite'])", IMAGE);
        assertThat(DenseSamples.hits(db)).as("the dropped sample is read again, not served").isEqualTo(hits);
        assertMatchesRecomputation();
    }

    @Test
    @Order(3)
    void aCallThatChangesTheTagsEdgesReadsThemFresh() {
        call("CALL mmr.tag($id, ['kite'])", IMAGE);   // 'animal' kept
        call("CALL mmr.tag($id, ['animal'])", other);   // adds a carrier to 'animal' in this call's transaction
        assertMatchesRecomputation();
        call("CALL mmr.untag($id, ['animal'])", other);
        assertMatchesRecomputation();
        call("CALL mmr.untag($id, ['kite'])", IMAGE);
        assertMatchesRecomputation();
    }

    @Test
    @Order(4)
    void aTransactionThatChangedEdgesBeforeTheCallReadsNothingKept() {
        call("CALL mmr.tag($id, ['kite'])", IMAGE);   // 'animal' kept
        long hits = DenseSamples.hits(db);
        try (Transaction tx = db.beginTx()) {
            tx.execute("MATCH (i:Image {id: 'dense:3'})-[r:TAGGED]->(:Tag {name: 'animal'}) DELETE r").close();
            tx.execute("CALL mmr.untag($id, ['kite'])", Map.of("id", IMAGE)).close();
            tx.commit();
        }
        assertThat(DenseSamples.hits(db)).isEqualTo(hits);
    }

    @Test
    @Order(5)
    void aNodeTheTransactionTouchedIsReadFromItsOwnEdges() {
        long seed = 42;
        long animal;
        try (Transaction tx = db.beginTx()) {
            animal = tx.findNode(Schema.TAG_LABEL, "name", "animal").getId();
            new Neo4jSageGraph(tx, seed, DenseSamples.forTransaction(db, Set.of(), false)).neighbours(animal, 10);   // kept
            tx.commit();
        }
        try (Transaction tx = db.beginTx()) {
            tx.execute("MATCH (i:Image {id: $id}), (t:Tag {name: 'animal'}) CREATE (i)-[:TAGGED]->(t)", Map.of("id", other)).close();
            long[] fresh = new Neo4jSageGraph(tx, seed).neighbours(animal, 10);
            long[] kept = new Neo4jSageGraph(tx, seed, DenseSamples.forTransaction(db, Set.of(), false)).neighbours(animal, 10);
            long[] touched = new Neo4jSageGraph(tx, seed, DenseSamples.forTransaction(db, Set.of(animal), false)).neighbours(animal, 10);
            assertThat(kept).as("the committed edges' sample, kept").isNotEqualTo(fresh);
            assertThat(touched).as("the transaction's own edges' sample").isEqualTo(fresh);
            tx.rollback();
        }
    }

    @Test
    @Order(6)
    void theSamplesCanBeReadAheadOfTheFirstCall() {
        db.executeTransactionally("MATCH (i:Image {id: 'dense:4'})-[r:TAGGED]->(:Tag {name: 'animal'}) DELETE r");   // drops them
        embedAll();
        int kept;
        try (Transaction tx = db.beginTx()) {
            LoadedModel model = LoadedModel.of("test", tx, new ModelStore(tx).current(Schema.DEFAULT_NAME));
            tx.commit();
            kept = DenseSamples.keepAll((GraphDatabaseAPI) db, model);
        }
        assertThat(kept).as("dense nodes: 'animal' alone").isEqualTo(1);
        long hits = DenseSamples.hits(db);
        call("CALL mmr.tag($id, ['kite'])", IMAGE);
        assertThat(DenseSamples.hits(db)).as("the first call after reads the kept sample").isGreaterThan(hits);
        assertMatchesRecomputation();
        call("CALL mmr.untag($id, ['kite'])", IMAGE);
        assertMatchesRecomputation();
    }

    /** A cluster member applies other members' commits without calling its listeners: one such commit drops every sample. */
    @Test
    @Order(7)
    void aCommitTheListenerDidNotSeeDropsEverySample() {
        call("CALL mmr.tag($id, ['kite'])", IMAGE);   // 'animal' kept
        DenseSamples shared = DenseSamples.of(db);
        neo4j.databaseManagementService().unregisterTransactionEventListener(db.databaseName(), shared.listener);
        try {
            db.executeTransactionally("MATCH (i:Image {id: 'dense:5'})-[r:TAGGED]->(:Tag {name: 'animal'}) DELETE r");
        } finally {
            neo4j.databaseManagementService().registerTransactionEventListener(db.databaseName(), shared.listener);
        }
        long hits = DenseSamples.hits(db);
        call("CALL mmr.untag($id, ['kite'])", IMAGE);   // the first commit after the missed one: seen at the call's start
        assertThat(DenseSamples.hits(db)).as("nothing served after a commit the listener missed").isEqualTo(hits);
        call("CALL mmr.tag($id, ['kite'])", IMAGE);
        assertThat(DenseSamples.hits(db)).as("kept again, in sequence").isGreaterThan(hits);
        call("CALL mmr.untag($id, ['kite'])", IMAGE);
        embedAll();   // the missed commit's reach
        assertMatchesRecomputation();
    }

    private void call(String cypher, String id) {
        db.executeTransactionally(cypher, Map.of("id", id));
    }

    private void embedAll() {
        db.executeTransactionally("MATCH (n) WHERE n:Image OR n:Tag WITH collect(n) AS all CALL mmr.embed(all) YIELD nodes RETURN nodes");
    }

    private Map<String, float[]> embeddings(Transaction tx) {
        Map<String, float[]> out = new HashMap<>();
        tx.execute("MATCH (n) WHERE n:Image OR n:Tag RETURN coalesce(n.id, 'tag:' + n.name) AS key, n.embedding AS e")
                .forEachRemaining(row -> out.put((String) row.get("key"), Vectors.toFloats(row.get("e"))));
        return out;
    }

    /** Every stored embedding is what mmr.embed over the current graph gives (computed, then rolled back). */
    private void assertMatchesRecomputation() {
        Map<String, float[]> stored;
        Map<String, float[]> recomputed;
        try (Transaction tx = db.beginTx()) {
            stored = embeddings(tx);
            tx.execute("MATCH (n) WHERE n:Image OR n:Tag WITH collect(n) AS all CALL mmr.embed(all) YIELD nodes RETURN nodes").close();
            recomputed = embeddings(tx);
            tx.rollback();
        }
        List<String> differ = new ArrayList<>();
        for (var e : recomputed.entrySet()) {
            float[] s = stored.get(e.getKey());
            if (s == null || Vectors.cosine(s, e.getValue()) < 1 - 1e-5) {
                differ.add(e.getKey());
            }
        }
        assertThat(differ).as("embeddings a full recomputation changes").isEmpty();
    }
}
