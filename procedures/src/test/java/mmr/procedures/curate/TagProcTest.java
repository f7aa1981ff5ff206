package mmr.procedures.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.harness.Neo4j;

import mmr.model.vector.Vectors;
import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/** mmr.tag and mmr.untag on the emoji fixture: edges, re-embedding exactly what changed, atomicity, bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class TagProcTest {
    private Neo4j neo4j;
    private GraphDatabaseService db;

    @BeforeAll
    void build() throws Exception {
        neo4j = TestDatabases.builder(true).build();
        db = neo4j.defaultDatabaseService();
        EmojiFixture.load(db);
        db.executeTransactionally("CALL mmr.train({epochs: 2})", Map.of(), r -> r.resultAsString());
        db.executeTransactionally("CALL db.awaitIndexes(300)");
    }

    @AfterAll
    void stop() {
        neo4j.close();
    }

    private List<Map<String, Object>> rows(String cypher, Map<String, Object> params) {
        return db.executeTransactionally(cypher, params, r -> {
            List<Map<String, Object>> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        });
    }

    private Map<String, float[]> embeddings() {
        Map<String, float[]> out = new HashMap<>();
        for (Map<String, Object> row : rows("MATCH (n) WHERE n:Image OR n:Tag RETURN coalesce(n.id, 'tag:' + n.name) AS key, n.embedding AS e",
                Map.of())) {
            out.put((String) row.get("key"), Vectors.toFloats(row.get("e")));
        }
        return out;
    }

    /** Every embedding as a full recomputation over the current graph gives it (computed, then rolled back). */
    private Map<String, float[]> recomputed() {
        try (Transaction tx = db.beginTx()) {
            tx.execute("MATCH (n) WHERE n:Image OR n:Tag WITH collect(n) AS all CALL mmr.embed(all) YIELD nodes RETURN nodes").close();
            Map<String, float[]> out = new HashMap<>();
            tx.execute("MATCH (n) WHERE n:Image OR n:Tag RETURN coalesce(n.id, 'tag:' + n.name) AS key, n.embedding AS e")
                    .forEachRemaining(row -> out.put((String) row.get("key"), Vectors.toFloats(row.get("e"))));
            tx.rollback();
            return out;
        }
    }

    private static void assertSameEmbeddings(Map<String, float[]> actual, Map<String, float[]> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        List<String> differ = new ArrayList<>();
        for (String k : expected.keySet()) {
            float[] a = actual.get(k);
            float[] e = expected.get(k);
            if (a == null || Vectors.cosine(a, e) < 1 - 1e-5) {
                differ.add(k);
            }
        }
        assertThat(differ).as("embeddings that a full recomputation changes").isEmpty();
    }

    private String checksum() {
        return db.executeTransactionally("MATCH (n) OPTIONAL MATCH (n)-[r]->() WITH n, count(r) AS rels "
                + "RETURN count(n) AS n, sum(rels) AS r, collect(coalesce(n.id, n.name)) AS keys, "
                + "sum(reduce(s = 0.0, x IN coalesce(n.embedding, []) | s + x * x * 1000)) AS e, "
                + "sum(reduce(s = 0.0, x IN coalesce(n.sageState, []) | s + x * x)) AS st", Map.of(), r -> String.valueOf(r.next()));
    }

    @Test
    void tagRecomputesExactlyWhatTheChangeReaches() {
        Map<String, float[]> before = embeddings();
        Map<String, Object> r = rows("CALL mmr.tag('google:1f42c', ['Kite', 'animal', 'kite']) YIELD image, changed, unchanged, created, "
                + "reembedded RETURN *", Map.of()).get(0);
        assertThat((List<String>) r.get("changed")).containsExactly("kite");
        assertThat((List<String>) r.get("unchanged")).containsExactly("animal");
        assertThat((List<String>) r.get("created")).containsExactly("kite");
        long reembedded = (Long) r.get("reembedded");
        assertThat(reembedded).isGreaterThan(2).isLessThan(before.size());

        Map<String, float[]> after = embeddings();
        assertSameEmbeddings(after, recomputed());   // nothing the change reaches was left stale
        long moved = before.keySet().stream().filter(k -> Vectors.cosine(before.get(k), after.get(k)) < 1 - 1e-5).count();
        assertThat(moved).as("embeddings that changed").isGreaterThan(0).isLessThanOrEqualTo(reembedded);

        // the next search sees it: the new tag finds the image
        List<Object> ids = rows("CALL mmr.search({tags: ['kite']}, {k: 3}) YIELD image RETURN image.id AS id", Map.of())
                .stream().map(m -> m.get("id")).toList();
        assertThat(ids.get(0)).isEqualTo("google:1f42c");

        // and untag undoes it: the edge and the now unused tag go, embeddings again as a recomputation gives them
        Map<String, Object> u = rows("CALL mmr.untag('google:1f42c', ['kite', 'never-there']) YIELD changed, unchanged, deleted, reembedded "
                + "RETURN *", Map.of()).get(0);
        assertThat((List<String>) u.get("changed")).containsExactly("kite");
        assertThat((List<String>) u.get("unchanged")).containsExactly("never-there");
        assertThat((List<String>) u.get("deleted")).containsExactly("kite");
        assertThat(rows("MATCH (t:Tag {name: 'kite'}) RETURN t", Map.of())).isEmpty();
        Map<String, float[]> undone = embeddings();
        assertSameEmbeddings(undone, recomputed());
        for (String k : before.keySet()) {
            assertThat(Vectors.cosine(before.get(k), undone.get(k))).as(k).isGreaterThan(1 - 1e-5);
        }
    }

    @Test
    void untagKeepsTagsOtherImagesUse() {
        Map<String, Object> u = rows("CALL mmr.untag('twitter:1f42c', ['sea']) YIELD changed, deleted RETURN *", Map.of()).get(0);
        assertThat((List<String>) u.get("changed")).containsExactly("sea");
        assertThat((List<String>) u.get("deleted")).isEmpty();
        assertThat(rows("MATCH (:Tag {name: 'sea'})<-[:TAGGED]-(i) RETURN i.id AS id", Map.of())).extracting(m -> m.get("id"))
                .containsExactly("google:1f42c");
        rows("CALL mmr.tag('twitter:1f42c', ['sea'])", Map.of());
        assertSameEmbeddings(embeddings(), recomputed());
    }

    @Test
    void aFailureLaterInTheTransactionLeavesNothing() {
        String before = checksum();
        assertThatThrownBy(() -> rows("CALL mmr.tag('google:1f40e', ['galloping-kite']) YIELD reembedded RETURN 1 / 0 AS boom", Map.of()))
                .isInstanceOf(QueryExecutionException.class).hasMessageContaining("/ by zero");
        assertThat(checksum()).isEqualTo(before);
        assertThatThrownBy(() -> rows("CALL mmr.feedback({id: 'google:1f42c'}, ['google:1f40e', 'twitter:26a1']) YIELD reembedded "
                + "RETURN 1 / 0 AS boom", Map.of())).isInstanceOf(QueryExecutionException.class).hasMessageContaining("/ by zero");
        assertThat(checksum()).isEqualTo(before);
        assertThat(rows("MATCH ()-[r:LIKED_WITH|LIKED_FOR]->() WHERE startNode(r).id = 'twitter:26a1' OR endNode(r).id = 'twitter:26a1' "
                + "RETURN r", Map.of())).isEmpty();
    }

    @Test
    void badInputIsNamedAndNothingIsWritten() {
        String before = checksum();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("CALL mmr.tag('nope:0', ['x'])", "mmr.tag: there is no Image with id 'nope:0'");
        cases.put("MATCH (t:Tag {name: 'sea'}) CALL mmr.tag(t, ['x']) YIELD image RETURN image", "mmr.tag: 'image' must be an Image node or id, got a node labelled ['Tag']");
        cases.put("CALL mmr.tag(42, ['x'])", "mmr.tag: 'image' must be an Image node or id, got 42");
        cases.put("CALL mmr.tag('google:1f42c', [])", "mmr.tag: 'tags' is empty; give 1 to 100 tag names");
        cases.put("CALL mmr.tag('google:1f42c', ['  '])", "mmr.tag: bad tag '  ': tag is empty after trimming");
        cases.put("CALL mmr.tag('google:1f42c', [$long])", "mmr.tag: bad tag 'xxx");
        cases.put("CALL mmr.untag('google:1f42c', ['sea'], {model: 'nope'})", "mmr.untag: there is no trained model 'nope' to re-embed with; run CALL mmr.train() first");
        cases.put("CALL mmr.tag('google:1f42c', ['x'], {speed: 1})", "Unknown config key 'speed' for mmr.tag");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThatThrownBy(() -> rows(c.getKey(), Map.of("long", "x".repeat(201)))).as(c.getKey())
                    .isInstanceOf(QueryExecutionException.class).hasMessageContaining(c.getValue());
        }
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void feedbackConnectsTheLikedImagesAndReembedsWhatItReaches() {
        List<Object> liked = List.of("google:1f40e", "twitter:1f994", "google:1f987");
        Map<String, float[]> before = embeddings();
        Map<String, Object> r = rows("CALL mmr.feedback({id: 'google:1f42c', tags: ['animal']}, $liked)",
                Map.of("liked", liked)).get(0);
        assertThat(r).containsEntry("liked", 3L).containsEntry("pairsCreated", 3L).containsEntry("tagEdgesCreated", 3L)
                .containsEntry("capped", 0L);
        assertThat((Long) r.get("reembedded")).isGreaterThan(3L);
        assertSameEmbeddings(embeddings(), recomputed());
        Map<String, float[]> after = embeddings();
        // the liked images' embeddings moved towards each other
        double pairBefore = Vectors.cosine(before.get("google:1f40e"), before.get("twitter:1f994"));
        double pairAfter = Vectors.cosine(after.get("google:1f40e"), after.get("twitter:1f994"));
        assertThat(pairAfter).isGreaterThan(pairBefore);

        Map<String, Object> again = rows("CALL mmr.feedback({id: 'google:1f42c', tags: ['animal']}, $liked)",
                Map.of("liked", liked)).get(0);
        assertThat(again).containsEntry("pairsCreated", 0L).containsEntry("pairsCounted", 3L).containsEntry("tagEdgesCounted", 3L)
                .containsEntry("reembedded", 0L);
        assertThat(rows("MATCH (:Image {id: 'google:1f40e'})-[r:LIKED_WITH]-(:Image {id: 'twitter:1f994'}) RETURN r.count AS c", Map.of()))
                .extracting(m -> m.get("c")).containsExactly(2L);
        // a later "more like this" on one liked image takes the images liked together with it as liked
        assertThat(rows("CALL mmr.attach({id: 'google:1f40e'}, {feedbackNeighbors: 2}) YIELD learnedLiked RETURN learnedLiked", Map.of())
                .get(0).get("learnedLiked")).asList().containsExactlyInAnyOrder("twitter:1f994", "google:1f987");
        assertThat(rows("CALL mmr.attach({id: 'google:1f40e'}) YIELD learnedLiked RETURN learnedLiked", Map.of())
                .get(0).get("learnedLiked")).asList().isEmpty();

        String unchanged = checksum();
        assertThatThrownBy(() -> rows("CALL mmr.feedback({id: 'google:1f42c'}, ['nope:0'])", Map.of()))
                .hasMessageContaining("mmr.feedback: 'liked' names no Image with id 'nope:0'");
        assertThatThrownBy(() -> rows("CALL mmr.feedback({id: 'google:1f42c'}, [])", Map.of()))
                .hasMessageContaining("mmr.feedback: 'liked' is empty; give 1 to 20 Image nodes or ids");
        assertThatThrownBy(() -> rows("CALL mmr.feedback({id: 'google:1f42c'}, $l)", Map.of("l", java.util.Collections.nCopies(21, "google:1f40e"))))
                .hasMessageContaining("mmr.feedback: 'liked' holds 21 images; one call takes at most 20");
        assertThatThrownBy(() -> rows("CALL mmr.feedback({}, ['google:1f40e'])", Map.of()))
                .hasMessageContaining("mmr.feedback: the query is empty");
        assertThat(checksum()).isEqualTo(unchanged);
    }
}
