package mmr.procedures.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import mmr.procedures.testing.TrainedEmojiGraph;

/** mmr.explain and mmr.search's why: the score split exactly, the paths it shows. */
@SuppressWarnings("unchecked")
class ExplainProcTest extends TrainedEmojiGraph {
    // ---- interactive queries (issue 12): without, liked, disliked, text, explain

    @Test
    void explainAddsWhyToEveryResult() {
        List<Map<String, Object>> plain = search(Map.of("id", QUERY_ID), Map.of("k", 5));
        assertThat(plain).allSatisfy(r -> assertThat(r.get("why")).isNull());
        List<Map<String, Object>> explained = search(Map.of("id", QUERY_ID), Map.of("k", 5, "explain", true));
        assertThat(explained).extracting(r -> r.get("id")).isEqualTo(plain.stream().map(r -> r.get("id")).toList());
        for (Map<String, Object> r : explained) {
            Map<String, Object> why = (Map<String, Object>) r.get("why");
            assertThat(why).containsKeys("queryTags", "attachedNeighbours", "attached", "visual", "conceptual");
            assertThat((List<String>) r.get("tags")).containsAll((List<String>) why.get("queryTags"));
        }
    }

    @Test
    void explainSplitsTheScoreExactlyAndShowsPaths() {
        Map<String, Object> imageAndKeywords = Map.of("id", QUERY_ID, "tags", List.of("sea", "animal"));
        for (Map.Entry<Map<String, Object>, Map<String, Object>> run : List.of(
                Map.entry(imageAndKeywords, Map.<String, Object>of("k", 3)),                          // the graph's conceptual side
                Map.entry(imageAndKeywords, Map.<String, Object>of("k", 3, "concept", "embedding", "visualWeight", 0.3)),
                Map.entry(Map.<String, Object>of("id", QUERY_ID, "without", List.of("fish"), "liked", List.of("twitter:1f40e"),
                        "disliked", List.of("google:1f40e")), Map.<String, Object>of("k", 3)),
                Map.entry(Map.<String, Object>of("tags", List.of("animal", "nature")), Map.<String, Object>of("k", 3)))) {
            Map<String, Object> query = run.getKey();
            String before = checksum();
            List<Map<String, Object>> top = rows("CALL mmr.search($q, $c) YIELD image, score RETURN image.id AS id, score",
                    Map.of("q", query, "c", run.getValue()));
            for (Map<String, Object> hit : top) {
                List<Map<String, Object>> story = rows("CALL mmr.explain($q, $id, $c) YIELD rank, kind, node, contribution, attribution, "
                        + "path, hops, score, imageSide RETURN *", Map.of("q", query, "id", hit.get("id"), "c", run.getValue()));
                assertThat(story).isNotEmpty();
                double score = (Double) story.get(0).get("score");
                assertThat(score).as("as mmr.search scores it").isCloseTo((Double) hit.get("score"), within(1e-5));
                // the exact parts (one row per part, however many paths it has) and the image side sum to the score
                Map<Object, Double> exact = new java.util.HashMap<>();
                for (Map<String, Object> r : story) {
                    if ("exact".equals(r.get("attribution"))) {
                        exact.put(r.get("rank"), (Double) r.get("contribution"));
                    }
                    List<Map<String, Object>> path = (List<Map<String, Object>>) r.get("path");
                    if (path != null) {
                        assertThat(path.get(0)).containsEntry("label", "Query");
                        assertThat(path.get(path.size() - 1)).containsEntry("id", hit.get("id"));
                        assertThat((Long) r.get("hops")).isBetween(1L, 3L).isEqualTo(path.size() - 1L);
                    }
                }
                double sum = exact.values().stream().mapToDouble(Double::doubleValue).sum() + (Double) story.get(0).get("imageSide");
                assertThat(sum).as("parts of " + hit.get("id") + " for " + query).isCloseTo(score, within(1e-4));
            }
            assertThat(checksum()).isEqualTo(before);
        }
        List<Map<String, Object>> story = rows("CALL mmr.explain({id: $id}, 'twitter:1f42c') YIELD kind, attribution, path "
                + "RETURN *", Map.of("id", QUERY_ID));
        assertThat(story).anySatisfy(r -> assertThat(r).containsEntry("kind", "attachedImage").containsEntry("attribution", "leave-one-out"));
        assertThat(story).anySatisfy(r -> assertThat(r).containsEntry("kind", "queryTag"));
        assertExactError("CALL mmr.explain({id: $id}, 'nope:0')", Map.of("id", QUERY_ID), "mmr.explain: there is no Image with id 'nope:0'");
        assertExactError("MATCH (t:Tag {name: 'sea'}) CALL mmr.explain({id: $id}, t) YIELD rank RETURN rank", Map.of("id", QUERY_ID),
                "mmr.explain: 'image' must be an Image node or id, got a node labelled ['Tag']");
        assertExactError("CALL mmr.explain({id: $id}, 42)", Map.of("id", QUERY_ID), "mmr.explain: 'image' must be an Image node or id, got 42");
    }
}
