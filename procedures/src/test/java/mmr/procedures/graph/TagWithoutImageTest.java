package mmr.procedures.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

import mmr.model.sage.GraphSage;
import mmr.model.vector.Vectors;
import mmr.procedures.testing.TrainedEmojiGraph;

/** A tag's embedding as if one of its images were not in the catalog, on the trained emoji fixture. */
@SuppressWarnings("unchecked")
class TagWithoutImageTest extends TrainedEmojiGraph {

    /** A tag with exactly {@code carriers} images: its node id, and theirs. */
    private static Map<String, Object> tagWith(long carriers) {
        return rows("MATCH (t:Tag) WITH t, COUNT { (t)<-[:TAGGED]-() } AS n WHERE n = $n "
                + "MATCH (t)<-[:TAGGED]-(i:Image) WITH t, collect(id(i)) AS images ORDER BY t.name LIMIT 1 "
                + "RETURN id(t) AS tag, images", Map.of("n", carriers)).get(0);
    }

    @Test
    void aTagNoOtherImageCarriesIsNotInTheCatalogWithoutIt() {
        try (Transaction tx = db.beginTx()) {
            LoadedModel model = current(tx);
            Node image = tx.findNode(Label.label("Image"), "id", QUERY_ID);
            Node only = tx.createNode(Label.label("Tag"));
            only.setProperty("name", "only-here");
            only.setProperty("features", image.getProperty("features"));
            image.createRelationshipTo(only, org.neo4j.graphdb.RelationshipType.withName("TAGGED"));
            assertThat(TagWithoutImage.embed(tx, model, new Neo4jSageGraph(tx, model.randomSeed()), only.getId(), image.getId()))
                    .isNull();
            tx.rollback();
        }
    }

    /**
     * Without one of its two images, a tag is embedded as the graph with that TAGGED edge deleted and the
     * tag's centroid taken over the other image would embed it (carriers' stored states kept, as stored).
     */
    @Test
    void withoutOneOfItsImagesATagIsEmbeddedAsIfTheEdgeWereNotThere() {
        Map<String, Object> two = tagWith(2);
        long tag = (Long) two.get("tag");
        List<Long> images = (List<Long>) two.get("images");
        long left = images.get(0);
        long other = images.get(1);
        float[] without;
        float[] stored;
        try (Transaction tx = db.beginTx()) {
            LoadedModel model = current(tx);
            without = TagWithoutImage.embed(tx, model, new Neo4jSageGraph(tx, model.randomSeed()), tag, left);
            stored = Vectors.toFloats(tx.getNodeById(tag).getProperty("embedding"));
        }
        float[] expected;
        try (Transaction tx = db.beginTx()) {
            LoadedModel model = current(tx);
            Node t = tx.getNodeById(tag);
            t.getRelationships().forEach(r -> {
                if (r.getOtherNodeId(tag) == left) {
                    r.delete();
                }
            });
            t.setProperty("features", Vectors.normalised(Vectors.toFloats(tx.getNodeById(other).getProperty("features"))));
            SageStates.Known known = SageStates.read(tx, model, new long[] {other});
            GraphSage.KnownStates carriersOnly = (layer, node) -> node == tag ? null : known.get(layer, node);
            expected = model.sage().batch(new Neo4jSageGraph(tx, model.randomSeed()), carriersOnly).embed(tag);
            tx.rollback();
        }
        assertThat(without).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(Vectors.cosine(without, stored)).as("the left-out image moved its tag").isLessThan(0.9999);
    }

    private static LoadedModel current(Transaction tx) {
        Node model = tx.findNodes(Label.label("MmrModel"), "current", true).next();
        return LoadedModel.of("test", tx, model);
    }
}
