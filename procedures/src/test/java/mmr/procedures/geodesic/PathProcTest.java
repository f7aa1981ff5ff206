package mmr.procedures.geodesic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.neo4j.harness.Neo4j;

import mmr.procedures.testing.TrainedEmojiGraph;

/** mmr.path on the trained emoji fixture: cheapest chains of small steps, bounds, bad input. */
@SuppressWarnings("unchecked")
class PathProcTest extends TrainedEmojiGraph {
    // ---------------------------------------------------------------- geodesic (paper 004)

    @Test
    void pathIsTheCheapestChainOfSmallSteps() {
        String before = checksum();
        Map<String, Object> r = rows("CALL mmr.path($a, $b) YIELD found, nodes, steps, cost, hops, message "
                + "RETURN found, [n IN nodes | coalesce(n.id, n.name)] AS names, steps, cost, hops, message",
                Map.of("a", QUERY_ID, "b", "twitter:1f0cf")).get(0);
        assertThat(r.get("found")).isEqualTo(true);
        assertThat(r.get("message")).isNull();
        List<String> names = (List<String>) r.get("names");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) r.get("steps");
        assertThat(names.get(0)).isEqualTo(QUERY_ID);
        assertThat(names.get(names.size() - 1)).isEqualTo("twitter:1f0cf");
        assertThat(steps).hasSize(names.size() - 1);
        assertThat(((Number) r.get("hops")).intValue()).isEqualTo(steps.size());
        double sum = 0;
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> step = steps.get(i);
            double cost = ((Number) step.get("cost")).doubleValue();
            assertThat(cost).isCloseTo(1 - ((Number) step.get("cosine")).doubleValue(), within(1e-9));
            assertThat(((Map<String, Object>) step.get("to")).values()).contains(names.get(i + 1));
            sum += cost;
        }
        assertThat((Double) r.get("cost")).isCloseTo(sum, within(1e-6));
        // no path of at most two hops is cheaper (checked independently, in Cypher)
        Double twoHops = (Double) rows("MATCH p = (a:Image {id: $a})-[:SIMILAR|TAGGED*1..2]-(b:Image {id: $b}) "
                + "RETURN min(reduce(c = 0.0, r IN relationships(p) | c + 2 - 2 * vector.similarity.cosine(startNode(r).embedding, "
                + "endNode(r).embedding))) AS c", Map.of("a", QUERY_ID, "b", "twitter:1f0cf")).get(0).get("c");
        if (twoHops != null) {   // Neo4j's cosine similarity is (1 + cos) / 2: 1 − cos = 2 − 2·sim
            assertThat((Double) r.get("cost")).isLessThanOrEqualTo(twoHops + 1e-6);
        }
        // through images only: no Tag on the path; tags gained and lost are named on image steps
        Map<String, Object> images = rows("CALL mmr.path($a, $b, {imagesOnly: true, maxHops: 20}) YIELD found, nodes, steps "
                + "RETURN found, [n IN nodes WHERE n:Tag] AS tags, steps", Map.of("a", QUERY_ID, "b", "twitter:1f0cf")).get(0);
        if (Boolean.TRUE.equals(images.get("found"))) {
            assertThat((List<?>) images.get("tags")).isEmpty();
            assertThat((List<Map<String, Object>>) images.get("steps")).allSatisfy(st -> assertThat(st.get("relationship")).isEqualTo("SIMILAR"));
        }
        // an image and a tag, on features
        Map<String, Object> toTag = rows("CALL mmr.path($a, {tag: 'animal'}, {vectors: 'features'}) YIELD found, nodes "
                + "RETURN found, last(nodes).name AS last", Map.of("a", QUERY_ID)).get(0);
        assertThat(toTag).containsEntry("found", true).containsEntry("last", "animal");
        assertThat(checksum()).isEqualTo(before);
    }

    @Test
    void pathSaysWhenThereIsNoneWithinTheBoundsAndNamesBadInput() {
        // the image least like the query image: no SIMILAR edge joins them
        String far = (String) rows("MATCH (a:Image {id: $a}), (b:Image) WHERE a <> b AND NOT (a)-[:SIMILAR]-(b) "
                + "RETURN b.id AS id ORDER BY vector.similarity.cosine(a.embedding, b.embedding), b.id LIMIT 1",
                Map.of("a", QUERY_ID)).get(0).get("id");
        Map<String, Object> none = rows("CALL mmr.path($a, $b, {maxHops: 1}) YIELD found, nodes, steps, cost, message "
                + "RETURN found, nodes, steps, cost, message", Map.of("a", QUERY_ID, "b", far)).get(0);
        assertThat(none.get("found")).isEqualTo(false);
        assertThat(none.get("nodes")).isNull();
        assertThat(none.get("cost")).isNull();
        assertThat((String) none.get("message")).startsWith("no path from Image 'google:1fabd' to Image '" + far + "' within 1 hop (");
        String s = "CALL mmr.path($a, $b, $c)";
        assertExactError(s, Map.of("a", QUERY_ID, "b", QUERY_ID, "c", Map.of()),
                "mmr.path: 'from' and 'to' are the same node Image 'google:1fabd'; give two different nodes");
        assertExactError(s, Map.of("a", "nope:0", "b", QUERY_ID, "c", Map.of()), "mmr.path: there is no Image with id 'nope:0'");
        assertExactError(s, Map.of("a", QUERY_ID, "b", Map.of("tag", "no-such-tag"), "c", Map.of()),
                "mmr.path: there is no Tag named 'no-such-tag'");
        assertExactError(s, Map.of("a", 42L, "b", QUERY_ID, "c", Map.of()),
                "mmr.path: 'from' got 42 (Integer); accepted: an Image or Tag node, an Image id, {image: id} or {tag: name}");
        assertExactError("MATCH (c:MmrCatalog) CALL mmr.path(c, $b) YIELD found RETURN found", Map.of("b", QUERY_ID),
                "mmr.path: 'from' is a node labelled ['MmrCatalog']; accepted:");
        assertExactError(s, Map.of("a", QUERY_ID, "b", Map.of("tag", "animal"), "c", Map.of("imagesOnly", true)),
                "mmr.path: 'to' is the Tag 'animal', but imagesOnly: true walks through images only");
        assertExactError(s, Map.of("a", QUERY_ID, "b", "twitter:1f0cf", "c", Map.of("maxHops", 21L)),
                "mmr.path: 'maxHops' must be an integer from 1 to 20, got 21");
        assertExactError(s, Map.of("a", QUERY_ID, "b", "twitter:1f0cf", "c", Map.of("maxExpanded", 0L)),
                "mmr.path: 'maxExpanded' must be an integer from 1 to 100000, got 0");
        assertExactError(s, Map.of("a", QUERY_ID, "b", "twitter:1f0cf", "c", Map.of("vectors", "pixels")),
                "mmr.path: 'vectors' must be one of 'embedding', 'features', got 'pixels'");
        assertExactError(s, Map.of("a", QUERY_ID, "b", far, "c", Map.of("maxExpanded", 2L, "maxHops", 20L)),
                "mmr.path: gave up after expanding 2 nodes (maxExpanded) without reaching Image '" + far + "' from Image "
                        + "'google:1fabd'; raise maxExpanded (at most 100000) or lower maxHops");
    }
}
