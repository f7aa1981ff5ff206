package mmr.procedures.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

import mmr.model.vector.Vectors;
import mmr.procedures.testing.TrainedEmojiGraph;

/** The edges a Tag node is walked along: its carriers nearest its embedding, read directly or through the index. */
class JointGraphTest extends TrainedEmojiGraph {
    private static final int FANOUT = 2;

    private record Edge(long node, double weight) {}

    /** A tag's walked edges (read-only; the transaction is rolled back). */
    private static List<Edge> walked(long tag) {
        try (Transaction tx = db.beginTx()) {
            return walked(tx, tag, null);
        }
    }

    private static List<Edge> walked(Transaction tx, long tag, String modelKey) {
        List<Edge> out = new ArrayList<>();
        new JointGraph(tx, Schema.EMBEDDING, false, FANOUT, Schema.IMAGE_EMBEDDING_INDEX, modelKey)
                .neighbours(tag, (other, weight) -> out.add(new Edge(other, weight)));
        return out;
    }

    /** Every carrier of the tag with 1 − cosine to it, nearest first, ties by node id — computed in Cypher. */
    private static List<Edge> carriersByDistance(long tag) {
        List<Edge> out = new ArrayList<>();
        for (Map<String, Object> row : rows("MATCH (i:Image)-[:TAGGED]->(t:Tag) WHERE id(t) = $t "
                + "WITH i, 2 - 2 * vector.similarity.cosine(i.embedding, t.embedding) AS w RETURN id(i) AS n, w ORDER BY w, n",
                Map.of("t", tag))) {
            out.add(new Edge((Long) row.get("n"), (Double) row.get("w")));
        }
        return out;
    }

    private static long tagWithDegree(int min, int max) {
        return (Long) rows("MATCH (t:Tag) WITH t, COUNT { (t)<-[:TAGGED]-(:Image) } AS d WHERE d >= $min AND d <= $max "
                + "RETURN id(t) AS tag ORDER BY d DESC, t.name LIMIT 1", Map.of("min", min, "max", max)).get(0).get("tag");
    }

    @Test
    void aTagWithFewCarriersIsWalkedToTheExactNearest() {
        long tag = tagWithDegree(FANOUT + 1, JointGraph.DIRECT_READ_FACTOR * FANOUT);
        List<Edge> exact = carriersByDistance(tag).subList(0, FANOUT);
        List<Edge> walked = walked(tag);
        assertThat(walked).extracting(Edge::node).containsExactlyElementsOf(exact.stream().map(Edge::node).toList());
        for (int i = 0; i < FANOUT; i++) {
            assertThat(walked.get(i).weight()).isCloseTo(exact.get(i).weight(), within(1e-5));
        }
    }

    @Test
    void aTagWithManyCarriersIsWalkedToItsCarriersTheIndexFinds() {
        long tag = tagWithDegree(JointGraph.DIRECT_READ_FACTOR * FANOUT + 1, Integer.MAX_VALUE);
        List<Edge> all = carriersByDistance(tag);
        List<Edge> walked = walked(tag);
        assertThat(walked).isNotEmpty().hasSizeLessThanOrEqualTo(FANOUT);
        assertThat(all.stream().map(Edge::node).toList()).containsAll(walked.stream().map(Edge::node).toList());
        for (int i = 1; i < walked.size(); i++) {
            assertThat(walked.get(i).weight()).isGreaterThanOrEqualTo(walked.get(i - 1).weight() - 1e-9);   // the index's order
        }
        // the index is exact on a graph this small: the nearest carrier is found
        assertThat(walked.get(0).node()).isEqualTo(all.get(0).node());
    }

    @Test
    void aLargeTagsStoredNearestCarriersAreWalkedWhileTheyAreTheCurrentModelsAndStillCarryIt() {
        long tag = tagWithDegree(JointGraph.DIRECT_READ_FACTOR * FANOUT + 4, Integer.MAX_VALUE);
        List<Edge> all = carriersByDistance(tag);
        try (Transaction tx = db.beginTx()) {
            // written from the stored embeddings: the exact nearest, with their cosines
            assertThat(TagCarriers.write(tx, "model A", new long[] {tag}, TagCarriers.stored(tx), 1, 5)).isEqualTo(1);
            Node t = tx.getNodeById(tag);
            assertThat((long[]) t.getProperty(TagCarriers.IDS)).containsExactly(all.subList(0, 5).stream().mapToLong(Edge::node).toArray());
            float[] cosines = Vectors.fromBytes((byte[]) t.getProperty(TagCarriers.COSINES));
            for (int i = 0; i < 5; i++) {
                assertThat(1.0 - cosines[i]).isCloseTo(all.get(i).weight(), within(1e-5));
            }
            // the walk starts from the list of its model version — here one made of the farthest carriers, and a
            // first entry that does not carry the tag, which is skipped
            long stranger = (Long) rows("MATCH (i:Image) WHERE NOT (i)-[:TAGGED]->(:Tag) OR NOT EXISTS { MATCH (i)-[:TAGGED]->(t) "
                    + "WHERE id(t) = $t } RETURN id(i) AS i LIMIT 1", Map.of("t", tag)).get(0).get("i");
            Edge far = all.get(all.size() - 1);
            Edge farther = all.get(all.size() - 2);
            t.setProperty(TagCarriers.IDS, new long[] {stranger, far.node(), farther.node()});
            t.setProperty(TagCarriers.COSINES, Vectors.toBytes(new float[] {1f, (float) (1 - far.weight()), (float) (1 - farther.weight())}));
            assertThat(walked(tx, tag, "model A")).extracting(Edge::node).containsExactly(far.node(), farther.node());
            // another model version's list, or too few entries left, and the index is asked as before
            assertThat(walked(tx, tag, "model B")).extracting(Edge::node).containsExactly(walked(tx, tag, null).stream()
                    .map(Edge::node).toArray(Long[]::new));
            t.setProperty(TagCarriers.IDS, new long[] {stranger, far.node()});
            assertThat(walked(tx, tag, "model A").get(0).node()).isEqualTo(all.get(0).node());
            // a tag at or below the degree bound has no list
            TagCarriers.write(tx, "model A", new long[] {tag}, TagCarriers.stored(tx), Integer.MAX_VALUE, 5);
            assertThat(t.hasProperty(TagCarriers.IDS)).isFalse();
            tx.rollback();
        }
    }

    @Test
    void aSmallerTagsCurrentListIsWalkedInsteadOfReadingEveryCarrier() {
        long tag = tagWithDegree(FANOUT + 2, JointGraph.DIRECT_READ_FACTOR * FANOUT);
        List<Edge> all = carriersByDistance(tag);
        try (Transaction tx = db.beginTx()) {
            Node t = tx.getNodeById(tag);
            Edge far = all.get(all.size() - 1);
            Edge farther = all.get(all.size() - 2);
            t.setProperty(TagCarriers.IDS, new long[] {far.node(), farther.node()});
            t.setProperty(TagCarriers.COSINES, Vectors.toBytes(new float[] {(float) (1 - far.weight()), (float) (1 - farther.weight())}));
            t.setProperty(TagCarriers.MODEL, "model A");
            assertThat(walked(tx, tag, "model A")).extracting(Edge::node).containsExactly(far.node(), farther.node());
            // another model version's list: every carrier read, the exact nearest
            assertThat(walked(tx, tag, "model B")).extracting(Edge::node).containsExactly(all.get(0).node(), all.get(1).node());
            tx.rollback();
        }
    }

    @Test
    void aCurationRewritesTheListsOfTheTagsItChangesUpToTheirBound() {
        long tag = tagWithDegree(3, 6);
        List<Edge> all = carriersByDistance(tag);
        long image = all.get(0).node();
        try (Transaction tx = db.beginTx()) {
            Node t = tx.getNodeById(tag);
            // every carrier (fewer than a list holds), nearest first; the image among the nodes is passed over
            TagCarriers.refresh(tx, "model A", List.of(image, tag), 1, all.size());
            assertThat((long[]) t.getProperty(TagCarriers.IDS)).containsExactly(all.stream().mapToLong(Edge::node).toArray());
            assertThat(tx.getNodeById(image).hasProperty(TagCarriers.IDS)).isFalse();
            // a tag above the bound keeps the list it has
            TagCarriers.refresh(tx, "model B", List.of(tag), 1, all.size() - 1);
            assertThat(t.getProperty(TagCarriers.MODEL)).isEqualTo("model A");
            // a tag at or below the smallest degree with a list loses it
            TagCarriers.refresh(tx, "model A", List.of(tag), all.size(), all.size());
            assertThat(t.hasProperty(TagCarriers.IDS)).isFalse();
            tx.rollback();
        }
    }
}
