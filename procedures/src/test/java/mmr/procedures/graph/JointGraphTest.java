package mmr.procedures.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.Transaction;

import mmr.procedures.testing.TrainedEmojiGraph;

/** The edges a Tag node is walked along: its carriers nearest its embedding, read directly or through the index. */
class JointGraphTest extends TrainedEmojiGraph {
    private static final int FANOUT = 2;

    private record Edge(long node, double weight) {}

    /** A tag's walked edges (read-only; the transaction is rolled back). */
    private static List<Edge> walked(long tag) {
        List<Edge> out = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            new JointGraph(tx, Schema.EMBEDDING, false, FANOUT, Schema.IMAGE_EMBEDDING_INDEX)
                    .neighbours(tag, (other, weight) -> out.add(new Edge(other, weight)));
        }
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
}
